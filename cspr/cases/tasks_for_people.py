"""What waits for each person in the chain (issue 12, item 1): the cases app's task source for the home page's
task list and the task e-mails (``cspr.core.registry.register_task_source``).

Who may do what is not decided here: each task is offered only where the visibility policy
(``visibility.CasePolicy`` and its table ``ACTIONS``) says the person may take its action now, and the
contributor's requests come from ``selectors.agency_requests_for_contributor``. What this module adds is
*whose turn it is*: of the decision makers, the one whose partner has not voted at this stage; of the business
managers' many possible actions, the one the chain waits for.

A task disappears when it is done because it is derived from stored state every time it is read (a vote
recorded, a referral screened), never stored itself. The reads are a fixed handful of queries whatever the
number of cases (DESIGN.md rule 8): the person's open cases, then their decisions, votes, rapid reviews,
agency requests, family communications, Panel responses and stored clocks, each in one query; the policy is
given what was read instead of reading it again per case. Nothing encrypted is read: a task names the case's
reference and the child's pseudonym only (DESIGN.md rule 6).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q
from django.urls import reverse

from cspr.cases.clocks import case_calendar, case_process, due_soon_from, due_soon_working_days
from cspr.cases.models import (
    AgencyRequest,
    Case,
    CaseClock,
    CaseState,
    Decision,
    FamilyCommunication,
    PanelResponse,
    RapidReview,
    Vote,
)
from cspr.cases.selectors import agency_requests_for_contributor
from cspr.cases.visibility import Action, CasePolicy, Facts
from cspr.core.registry import Task
from cspr.partnerships.models import User
from cspr.partnerships.roles import DECISION_MAKER_ROLES, Role
from cspr.partnerships.selectors import Access, access_for
from cspr.timescales import WorkingCalendar
from cspr.timescales.milestones import NOTIFY_PANEL, RAPID_REVIEW

S = CaseState

# The stages at which anything in the chain waits for someone (DOMAIN.md steps 1 to 5). Later stages are the
# local review's and publication's, whose apps register their own tasks.
TASK_STAGES = frozenset({S.REFERRED, S.NOTIFICATION, S.RAPID_REVIEW, S.DECISION, S.SENT_TO_PANEL, S.PANEL_CHALLENGED})
# The roles in a partnership that take a step of the chain (the auditor reads only; contributors are asked
# through their requests, reviewers through their reviews).
ACTING_ROLES = frozenset({Role.BUSINESS_MANAGER, Role.SCRUTINEER, *DECISION_MAKER_ROLES})
# Which partner each decision maker votes for (Children Act 2004 s16E: the three safeguarding partners).
PARTNER_OF: dict[Role, str] = {
    Role.DECISION_MAKER_LA: "la",
    Role.DECISION_MAKER_POLICE: "police",
    Role.DECISION_MAKER_ICB: "icb",
}
# DOMAIN.md step 4: the family is told of the decision and its rationale. The reminder runs while the decision
# is with the partners and the Panel; once the case has moved on to a review, the family's part is the
# review's (step 7), so the task list stops asking.
FAMILY_TASK_STAGES = frozenset({S.DECISION, S.SENT_TO_PANEL, S.PANEL_CHALLENGED})


class KnownFacts(Facts):
    """The policy's facts about one case, given from what was read for every case at once (so asking the
    policy costs no query), instead of read per case."""

    def __init__(self, case: Case, rapid_review: RapidReview | None, decision: Decision | None) -> None:
        super().__init__(case)
        # Facts reads these as cached properties: set, they are not read again.
        self.__dict__["rapid_review"] = rapid_review
        self.__dict__["decision"] = decision


def _open_due(clock: dict[str, object] | None) -> tuple[datetime.date | None, datetime.date | None]:
    """A stored clock's due date and first due-soon day, while something is still owed against it."""
    if clock is None or clock["start"] is None or clock["met_on"] is not None or clock["not_required"]:
        return None, None
    due, soon = clock["effective_due"], clock["due_soon_from"]
    return (
        due if isinstance(due, datetime.date) else None,
        soon if isinstance(soon, datetime.date) else None,
    )


def case_tasks(user: User) -> list[Task]:
    """Everything in the chain waiting for ``user``: the requests addressed to them, and the steps of the cases
    of their partnerships (and, for the Panel, of the cases sent to it) that wait for them."""
    access = access_for(user)
    return _request_tasks(user, access) + _chain_tasks(user, access)


def _request_tasks(user: User, access: Access) -> list[Task]:
    """DOMAIN.md step 3: an agency request to answer, due on its own date (working day 10 by default)."""
    if not any(access.has_role(p, Role.AGENCY_CONTRIBUTOR) for p in access.partnership_ids()):
        return []
    requests = (
        agency_requests_for_contributor(user=user)
        .filter(status=AgencyRequest.Status.OPEN)
        .only(
            "id",
            "due_date",
            "organisation__name",
            "case__id",
            "case__reference",
            "case__pseudonym",
            "case__process",
            "case__partnership__name",
            "case__partnership__nation",
            "case__partnership__office_closed_days",
            "case__partnership__timescale_overrides",
        )
        .order_by("due_date", "pk")
    )
    calendars: dict[int, tuple[WorkingCalendar, int]] = {}
    tasks = []
    for item in requests:
        case = item.case
        if case.partnership_id not in calendars:
            calendars[case.partnership_id] = (case_calendar(case), due_soon_working_days(case_process(case)))
        calendar, window = calendars[case.partnership_id]
        tasks.append(
            Task(
                key=f"request:{item.pk}",
                kind="request",
                label=f"Answer the request for information to {item.organisation.name}",
                url=reverse("cases:request_answer", args=[item.pk]),
                reference=case.reference,
                pseudonym=case.pseudonym,
                where=case.partnership.name,
                due=item.due_date,
                due_soon_from=due_soon_from(item.due_date, calendar, window),
                # agency_request_create e-mails the contributor the request itself.
                announced=True,
            )
        )
    return tasks


def _cases(access: Access) -> list[Case]:
    acting = [p for p in access.partnership_ids() if access.roles_in(p) & ACTING_ROLES]
    condition = Q(partnership_id__in=acting, state__in=TASK_STAGES)
    if access.is_panel:
        condition |= Q(state=S.SENT_TO_PANEL, sent_to_panel_at__isnull=False)
    if not acting and not access.is_panel:
        return []
    return list(
        Case.objects.filter(condition)
        .select_related("partnership")
        .only("id", "reference", "pseudonym", "state", "process", "sent_to_panel_at", "partnership__name")
        .order_by("created_at", "pk")
    )


def _chain_tasks(user: User, access: Access) -> list[Task]:
    cases = _cases(access)
    if not cases:
        return []
    ids = [c.pk for c in cases]
    latest: dict[int, Decision] = {}
    for d in Decision.objects.filter(case_id__in=ids).only("id", "case_id", "round", "status", "scrutineer_advised_at"):
        if d.case_id not in latest or d.round > latest[d.case_id].round:
            latest[d.case_id] = d
    decision_ids = [d.pk for d in latest.values()]
    votes = set(Vote.objects.filter(decision_id__in=decision_ids).values_list("decision_id", "stage", "partner"))
    told = set(FamilyCommunication.objects.filter(decision_id__in=decision_ids).values_list("decision_id", flat=True))
    responses = dict(
        PanelResponse.objects.filter(decision_id__in=decision_ids)
        .values("decision_id")
        .annotate(n=Count("pk"))
        .values_list("decision_id", "n")
    )
    reviews = {rr.case_id: rr for rr in RapidReview.objects.filter(case_id__in=ids).only("id", "case_id", "sent_on")}
    asked: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        AgencyRequest.objects.filter(case_id__in=ids)
        .exclude(status=AgencyRequest.Status.WITHDRAWN)
        .values("case_id", "status")
        .annotate(n=Count("pk"))
    ):
        asked[row["case_id"]][row["status"]] = row["n"]
    clocks: dict[tuple[int, str], dict[str, object]] = {
        (row["case_id"], row["milestone"]): dict(row)
        for row in CaseClock.objects.filter(case_id__in=ids, milestone__in=[NOTIFY_PANEL, RAPID_REVIEW]).values(
            "case_id", "milestone", "start", "effective_due", "due_soon_from", "met_on", "not_required"
        )
    }
    tasks: list[Task] = []
    for case in cases:
        policy = CasePolicy(user=user, case=case, access=access)
        policy.facts = KnownFacts(case, reviews.get(case.pk), latest.get(case.pk))
        tasks.extend(
            _tasks_of_case(
                policy,
                votes=votes,
                told=told,
                responses=responses,
                asked=asked.get(case.pk, {}),
                notify_due=_open_due(clocks.get((case.pk, NOTIFY_PANEL))),
                review_due=_open_due(clocks.get((case.pk, RAPID_REVIEW))),
            )
        )
    return tasks


def _tasks_of_case(
    policy: CasePolicy,
    *,
    votes: set[tuple[int, int, str]],
    told: set[int],
    responses: dict[int, int],
    asked: dict[str, int],
    notify_due: tuple[datetime.date | None, datetime.date | None],
    review_due: tuple[datetime.date | None, datetime.date | None],
) -> Iterable[Task]:
    """The tasks one case holds for the reader, each where the policy lets them take its action now."""
    case, roles, decision = policy.case, policy.roles, policy.facts.decision
    manager = Role.BUSINESS_MANAGER in roles

    def task(kind: str, key: str, label: str, view: str, due: tuple[datetime.date | None, ...] = (None, None)) -> Task:
        return Task(
            key=f"{kind}:case:{case.pk}{key}",
            kind=kind,
            label=label,
            url=reverse(f"cases:{view}", args=[case.pk]),
            reference=case.reference,
            pseudonym=case.pseudonym,
            where=case.partnership.name,
            due=due[0],
            due_soon_from=due[1],
        )

    # DOMAIN.md step 1: the business manager screens a referral.
    if manager and policy.can(Action.SCREEN):
        yield task("screen", "", "Screen the referral", "screen")
    # Step 2: the notification goes to the Panel within 5 working days of the LA becoming aware.
    if manager and policy.can(Action.SEND_NOTIFICATION):
        yield task("notification", "", "Complete the notification and send it to the Panel", "notification", notify_due)
    # Step 3: the rapid review, with the agencies' summaries; each answer that comes back is a new task for the
    # business manager (its count is in the key), until the review goes to the decision makers.
    if manager and policy.can(Action.SUBMIT_FOR_DECISION):
        answered, total = asked.get("answered", 0), sum(asked.values())
        if answered:
            label = (
                f"{answered} of {total} agency summaries came back: read them and write up the rapid review"
                if total > 1
                else "The agency summary came back: read it and write up the rapid review"
            )
            yield task("answers", f":answered:{answered}", label, "detail", review_due)
        else:
            label = "Ask agencies for summaries and write up the rapid review"
            yield task("rapid-review", "", label, "detail", review_due)
    if decision is None:
        return
    later = decision.round > 1
    # Step 4: each decision maker votes; after the scrutineer's advice each may change their vote once.
    partners = [PARTNER_OF[r] for r in sorted(roles & PARTNER_OF.keys())]
    if partners and policy.can(Action.VOTE):
        stage = 1 if decision.status == Decision.Status.VOTING else 2
        for partner in partners:
            if (decision.pk, stage, partner) in votes:
                continue
            if stage == 2:
                label = "Read the scrutineer's advice and change your vote if you need to"
            elif later:
                label = "The Panel challenged the decision: vote again"
            else:
                label = "Vote on whether to carry out a review"
            yield task(
                "vote",
                f":round:{decision.round}:stage:{stage}:{partner}",
                label,
                "vote",
                (None, None) if later else review_due,
            )
    # The scrutineer advises when the decision makers disagree, and in the meeting after a Panel challenge.
    if Role.SCRUTINEER in roles and policy.can(Action.ADVISE) and decision.scrutineer_advised_at is None:
        label = (
            "The Panel challenged the decision: advise the partners"
            if later
            else "The decision makers disagree: give your advice"
        )
        yield task("advice", f":round:{decision.round}", label, "advice", (None, None) if later else review_due)
    # After the advice the majority decides; the business manager records it.
    if manager and policy.can(Action.DECIDE_BY_MAJORITY):
        yield task("majority", f":round:{decision.round}", "Record the partners' decision by majority", "majority")
    # Step 5: the rapid review and the decision go to the Panel within 15 working days of the notification.
    if manager and policy.can(Action.SEND_RAPID_REVIEW):
        yield task(
            "send-rapid-review",
            "",
            "Send the rapid review and the decision to the Panel",
            "rapid_review_sent",
            review_due,
        )
    if (
        manager
        and policy.can(Action.TELL_FAMILY)
        and policy.case.state in FAMILY_TASK_STAGES
        and decision.pk not in told
    ):
        yield task("family", f":round:{decision.round}", "Tell the family about the partners' decision", "family")
    # A Panel challenge: the partners meet again with the scrutineer, decide, and justify their decision.
    if manager and policy.case.state == S.PANEL_CHALLENGED and decision.status != Decision.Status.DECIDED:
        yield task(
            "challenge",
            f":round:{decision.round}",
            "The Panel challenged the decision: arrange the partners' meeting with the scrutineer",
            "detail",
        )
    if manager and policy.can(Action.SEND_JUSTIFICATION):
        label = "Send the partners' justification to the Panel"
        yield task("justification", f":round:{decision.round}", label, "justification")
    # The Panel responds to what it was sent; a response still considering a national review asks for another.
    if policy.can(Action.RESPOND_AS_PANEL):
        given = responses.get(decision.pk, 0)
        if given:
            label = "Give the Panel's further response on a national review"
        elif later:
            label = "Respond to the partners' justification"
        else:
            label = "Respond to the rapid review and the partners' decision"
        yield task("panel-response", f":round:{decision.round}:responses:{given}", label, "panel_response")
