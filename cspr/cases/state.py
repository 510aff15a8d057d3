"""The case state machine (DESIGN.md rule 3): the case's table of allowed moves, a guard per move, on the
generic :class:`cspr.workflow.Machine`, and one service, ``case_transition``.

A move not in the table, or one whose guard fails, raises IllegalTransition with a message that says what
must happen first. Nothing else in the product assigns ``Case.state``. The guards ask the pure statutory rules
(``cases.rules``) and the models only: the state machine imports no service.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest

from cspr.cases.clocks import case_calendar, case_process, clocks_recompute
from cspr.cases.models import Case, CaseDate, CaseState, Decision, Notification, PanelResponse, RapidReview, Referral
from cspr.cases.rules.eligibility import assess
from cspr.cases.rules.publication import publication_timing_error
from cspr.cases.rules.regulation11 import criteria_unanswered, criterion_reasons_error
from cspr.partnerships.models import User
from cspr.timescales.milestones import FINAL_REPORT_SENT, PUBLISHED
from cspr.workflow import Machine
from cspr.workflow import Move as _Move

S = CaseState


def _referral_screened(case: Case, outcome: str) -> str | None:
    referral = Referral.objects.filter(case=case).first()
    if referral is None or referral.outcome != outcome:
        return "Screen the referral first, recording the outcome and the reasons."
    return None


def _notification_sent(case: Case) -> str | None:
    notification = Notification.objects.filter(case=case).first()
    if notification is None or notification.sent_on is None:
        return "Record the date the notification was sent to the Panel first."
    return None


def _no_rapid_review_needed(case: Case) -> str | None:
    notification = Notification.objects.filter(case=case).first()
    if notification is None or notification.sent_on is None:
        return "Record the date the notification was sent to the Panel first."
    if assess(notification, list(case.children.all())).rapid_review_needed:
        return "This incident needs a rapid review: it cannot be closed at notification."
    return None


def _rapid_review_ready(case: Case) -> str | None:
    rr = RapidReview.objects.filter(case=case).first()  # fresh: guards never trust cached relations
    if rr is None:
        return "There is no rapid review for this case yet."
    if not rr.recommendation or not rr.recommendation_reasons.strip():
        return "Record the rapid review's recommendation and its reasons before the partners decide."
    # Regulation 11 and Working Together 2023 ch.5: the partners decide on the criteria and the circumstances
    # to weigh, so each is answered, with reasons where the answer needs them, before the decision.
    missing = criteria_unanswered(rr.criteria)
    if missing:
        return (
            "Answer every regulation 11 criterion and circumstance to weigh (yes, no or maybe) before the "
            f"partners decide. Not answered yet: {', '.join(missing)}."
        )
    for code, item in (rr.criteria or {}).items():
        problem = criterion_reasons_error(code, item.get("answer", ""), item.get("reasons", ""))
        if problem:
            return f"{problem} before the partners decide."
    return None


def _latest_decision(case: Case) -> Decision | None:
    return Decision.objects.filter(case=case).order_by("-round").first()


def _decided_and_sent(case: Case) -> str | None:
    decision = _latest_decision(case)
    if decision is None or decision.status != Decision.Status.DECIDED:
        return "The safeguarding partners must decide first."
    rr = RapidReview.objects.filter(case=case).first()
    if rr is None or rr.sent_on is None:
        return "Record the date the rapid review was sent to the Panel."
    return None


def _panel_agreed(case: Case) -> str | None:
    response = case.panel_responses.order_by("-recorded_at", "-pk").first()
    if response is None or response.response != "agree":
        return "The Panel has not agreed with the decision."
    return None


def _panel_challenged(case: Case) -> str | None:
    response = case.panel_responses.order_by("-recorded_at", "-pk").first()
    if response is None or response.response != "challenge":
        return "The Panel has not challenged the decision."
    return None


def _justification_ready(case: Case) -> str | None:
    decision = _latest_decision(case)
    if decision is None or decision.round < 2 or decision.status != Decision.Status.DECIDED:
        return "The partners must meet again with the scrutineer and decide before replying to the Panel."
    if not decision.kept_or_changed or not decision.justification.strip():
        return "Record whether the partners kept or changed the decision, and their justification for the Panel."
    return None


def _final_report_published(case: Case) -> str | None:
    dates = {d.event: d.date for d in CaseDate.objects.filter(case=case, event__in=(FINAL_REPORT_SENT, PUBLISHED))}
    if FINAL_REPORT_SENT not in dates or PUBLISHED not in dates:
        return "Record the date the final report was sent to the Panel and the date it was published first."
    return publication_timing_error(
        case_process(case), case_calendar(case), dates[FINAL_REPORT_SENT], dates[PUBLISHED]
    ) or _registered_guards(case, S.PUBLISHED)


# A later app may add a condition to a move into a stage (DESIGN.md, imports run one way): the local review's
# publication plan must be complete before a case is published (DOMAIN.md step 10: copies sent, the text checked
# for personal data). Registered from the later app's AppConfig.ready(); each returns why not, or None.
MOVE_GUARDS: dict[str, dict[str, Callable[[Case], str | None]]] = {}


def register_move_guard(to: CaseState, name: str, guard: Callable[[Case], str | None]) -> None:
    """``guard(case)`` must return None before any case moves into ``to``."""
    MOVE_GUARDS.setdefault(str(to), {})[name] = guard


def _registered_guards(case: Case, to: CaseState) -> str | None:
    for guard in MOVE_GUARDS.get(str(to), {}).values():
        problem = guard(case)
        if problem:
            return problem
    return None


def _panel_chose_national_review(case: Case) -> str | None:
    # Working Together 2023 ch.5: the Panel decides whether it carries out a national review.
    response = case.panel_responses.order_by("-recorded_at", "-pk").first()
    if response is None or response.national_review != PanelResponse.NationalReview.YES:
        return "The Panel has not said it will carry out a national review."
    return None


Move = _Move[Case, CaseState]


TRANSITIONS: dict[CaseState, list[Move]] = {
    S.REFERRED: [
        Move(S.NOTIFICATION, "Screened: becomes a notification", lambda c: _referral_screened(c, "notification")),
        Move(S.LEARNING_REVIEW, "Screened: learning review", lambda c: _referral_screened(c, "learning_review")),
        Move(S.NO_FURTHER_ACTION, "Screened: no further action", lambda c: _referral_screened(c, "no_further_action")),
    ],
    S.NOTIFICATION: [
        Move(S.RAPID_REVIEW, "Notification sent: rapid review starts", _notification_sent),
        Move(S.CLOSED, "Notified: no rapid review needed", _no_rapid_review_needed),
    ],
    S.RAPID_REVIEW: [Move(S.DECISION, "Rapid review ready for the partners' decision", _rapid_review_ready)],
    S.DECISION: [Move(S.SENT_TO_PANEL, "Rapid review and decision sent to the Panel", _decided_and_sent)],
    S.SENT_TO_PANEL: [
        Move(S.LOCAL_REVIEW, "Panel agreed: local review", _panel_agreed),
        Move(S.NATIONAL_REVIEW, "Panel will carry out a national review", _panel_chose_national_review),
        Move(S.LEARNING_REVIEW, "Panel agreed: learning review", _panel_agreed),
        Move(S.NO_REVIEW, "Panel agreed: no review", _panel_agreed),
        Move(S.PANEL_CHALLENGED, "Panel challenged the decision", _panel_challenged),
    ],
    S.PANEL_CHALLENGED: [Move(S.SENT_TO_PANEL, "Partners' justification sent to the Panel", _justification_ready)],
    # Regulations 2018 Part 3: the report reached the Panel and the Secretary of State 7 working days before.
    S.LOCAL_REVIEW: [Move(S.PUBLISHED, "Final report published", _final_report_published)],
}


CASE_MACHINE: Machine[Case, CaseState] = Machine(
    model=Case,
    states=CaseState,
    moves=TRANSITIONS,
    audit_action="case.state_changed",
    partnership=lambda case: case.partnership_id,
    # DESIGN.md rule 8: the stage decides which clocks are not required, so they are recomputed with the move.
    after_move=lambda case: clocks_recompute(case=case),
)


# A later app acts when a case enters a stage (DESIGN.md, imports run one way): the local review opens when
# the case reaches "Local review to be carried out". Each listener runs inside the move's transaction, after the
# move, so a listener that fails undoes the move. Registered from the later app's AppConfig.ready().
STAGE_ENTERED: dict[str, Callable[..., None]] = {}


def register_stage_entered(name: str, listener: Callable[..., None]) -> None:
    """``listener(case=, actor=, request=)`` is called when any case enters a new stage."""
    STAGE_ENTERED[name] = listener


def allowed_moves(case: Case) -> list[Move]:
    return list(CASE_MACHINE.allowed(case))


def case_transition(*, actor: User, case: Case, to: CaseState | str, request: HttpRequest | None = None) -> Case:
    """Move ``case`` to ``to`` if the table allows it and the move's guard passes; audit the move.

    Called by the services of each step (inside their transaction), never by views directly.
    """
    with transaction.atomic():
        CASE_MACHINE.move(actor=actor, obj=case, to=to, request=request)
        for listener in STAGE_ENTERED.values():
            listener(case=case, actor=actor, request=request)
    return case
