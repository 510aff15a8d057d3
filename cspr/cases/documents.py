"""What the case's documents say: the case's records mapped to cspr.documents' plain data, then rendered.

cspr.documents decides how a document looks; this module decides what it contains, from the same records the
case page shows, so the report sent to the Panel and the page never disagree.

The rapid review report is a draft, rebuilt from the records, until it is sent to the Panel. Then the Word and
PDF rendered at that moment are frozen (``PanelSending``, written by ``panel_sending_record``) and every later
download, by the Panel or by the partnership, is of those bytes: exactly what was sent, whatever happens to
the case afterwards (a challenge, a second round of votes).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import TypedDict

from django.utils import timezone

from cspr import documents as docs
from cspr.cases.clocks import case_clocks
from cspr.cases.models import (
    Case,
    Decision,
    FamilyCommunication,
    Notification,
    PanelSending,
    Partner,
    RapidReview,
    RapidReviewAudit,
    ReviewOption,
)
from cspr.cases.rules.decision import final_votes
from cspr.cases.rules.regulation11 import CIRCUMSTANCES, CRITERIA
from cspr.documents.blocks import Document
from cspr.documents.data import Nature, Score
from cspr.documents.data import Partner as DocumentPartner
from cspr.documents.family_letter import family_letter_document
from cspr.partnerships.models import User


class NotReady(Exception):
    """The document cannot be produced yet; the message says what is missing."""


NATURE: dict[str, Nature] = {"death": "death", "serious_harm": "serious harm", "other": "other", "": "other"}
PARTNER_LABEL: dict[Partner, DocumentPartner] = {
    Partner.LA: "Local authority",
    Partner.POLICE: "Police",
    Partner.ICB: "Integrated care board",
}
SCORE: dict[str, Score] = {"met": "met", "partly": "partly", "not_met": "not met"}


def _assessments(rr: RapidReview, items: list[tuple[str, str]]) -> list[docs.CriterionAssessment]:
    result = []
    for code, label in items:
        item = (rr.criteria or {}).get(code) or {}
        if item.get("answer"):
            result.append(
                docs.CriterionAssessment(code=code, label=label, answer=item["answer"], reasons=item.get("reasons", ""))
            )
    return result


def _decision(decision: Decision | None) -> docs.DecisionSummary | None:
    """The round the report is about: its own votes (stage 1, and stage 2 after the advice) and advice only,
    never another round's, and how the family was told of it."""
    if decision is None:
        return None
    votes = [
        docs.Vote(
            partner=PARTNER_LABEL[Partner(v.partner)],
            decision_maker=v.decision_maker.full_name,
            vote_label=ReviewOption(v.option).label,
            rationale=v.rationale,
            round=v.stage,
        )
        for v in decision.votes.select_related("decision_maker")
    ]
    return docs.DecisionSummary(
        outcome_label=ReviewOption(decision.outcome).label,
        decided_on=decision.decided_on,
        rationale=decision.rationale,
        votes=votes,
        scrutineer_advice=decision.scrutineer_advice,
        majority=decision.method == Decision.Method.MAJORITY,
        # When, how and by whom; the notes stay on the case (they may describe the family).
        family_told=[
            docs.FamilyTold(told_on=f.told_on, method=FamilyCommunication.Method(f.method).label, told_by=f.told_by)
            for f in decision.family_communications.all()
        ],
    )


def rapid_review_report(
    case: Case,
    today: datetime.date | None = None,
    *,
    decision: Decision | None = None,
    sent_on: datetime.date | None = None,
) -> docs.RapidReviewReport:
    """The report's content from the case's records. ``decision`` is the round it reports (by default the
    latest decided one); ``sent_on`` marks the copy being sent to the Panel."""
    rr = RapidReview.objects.filter(case=case).first()
    if rr is None:
        raise NotReady("The rapid review has not started.")
    if decision is None:
        decision = Decision.objects.filter(case=case, status=Decision.Status.DECIDED).order_by("-round").first()
    n = getattr(case, "notification", None)
    incident = None
    if n is not None:
        incident = docs.IncidentSummary(
            nature=NATURE[n.nature or ""],
            incident_date=n.incident_date,
            place=n.place,
            la_where_happened=n.la_where_happened,
            la_became_aware=n.la_became_aware,
            notification_sent_on=n.sent_on,
            panel_reference=n.panel_reference,
        )
    sign_off = []
    if decision is not None:
        sign_off = [
            docs.SignOff(
                partner=PARTNER_LABEL[Partner(p)], name=v.decision_maker.full_name, signed_on=decision.decided_on
            )
            for p, v in sorted(final_votes(decision).items())
        ]
    return docs.RapidReviewReport(
        partnership_name=case.partnership.name,
        case_reference=case.reference,
        child_pseudonym=case.pseudonym,
        generated_on=today or timezone.localdate(),
        # The report goes to the Panel: children appear by pseudonym and age band, never by name.
        children=[
            docs.ChildSummary(
                pseudonym=c.pseudonym,
                age_band=c.age_band,
                sex=c.get_sex_display(),
                ethnicity=c.ethnicity,
                disability=c.disability,
                legal_status=c.get_legal_status_display(),
                la_of_residence=c.la_of_residence,
            )
            for c in case.children.all()
        ],
        incident=incident,
        clocks=[
            docs.ClockLine(
                label=k.milestone.label,
                due=k.effective_due,
                met_on=k.met_on,
                status_text=k.status.label,
                working_days_late=k.working_days_late or None,
            )
            for k in case_clocks(case)
            if k.id in {"notify-panel", "inform-partners", "agency-summaries", "rapid-review"}
        ],
        agency_involvement=[
            docs.AgencySummary(agency=r.organisation.name, author_role="Agency contributor", summary=r.response)
            for r in case.agency_requests.select_related("organisation").filter(status="answered")
        ],
        chronology=[
            docs.Episode(date=e.date, agency=e.agency, what_happened=e.what_happened, analysis=e.analysis)
            for e in case.episodes.all()
        ],
        good_practice=rr.good_practice,
        immediate_actions=[
            docs.ImmediateAction(action=a.action, by_whom=a.by_whom, done_on=a.done_on)
            for a in case.immediate_actions.all()
        ],
        learning_so_far=rr.learning_so_far,
        learning_shared=rr.learning_shared,
        family_context=rr.family_context,
        family_views=rr.family_views,
        practitioner_views=rr.practitioner_views,
        criteria=_assessments(rr, CRITERIA),
        circumstances=_assessments(rr, CIRCUMSTANCES),
        recommendation=ReviewOption(rr.recommendation).label if rr.recommendation else "",
        recommendation_reasons=rr.recommendation_reasons,
        decision=_decision(decision),
        sign_off=sign_off,
        sent_on=sent_on,
    )


class FrozenReportFields(TypedDict):
    """The PanelSending fields that keep a frozen report (``FrozenReport.fields``)."""

    report_docx: bytes
    report_pdf: bytes
    report_docx_sha256: str
    report_pdf_sha256: str


@dataclass(frozen=True)
class FrozenReport:
    """The rapid review report rendered once, as it is sent: Word and PDF bytes."""

    docx: bytes
    pdf: bytes

    def fields(self) -> FrozenReportFields:
        """The PanelSending fields that keep it (encrypted by their field type) and the SHA-256 of the bytes."""
        return {
            "report_docx": self.docx,
            "report_pdf": self.pdf,
            "report_docx_sha256": hashlib.sha256(self.docx).hexdigest(),
            "report_pdf_sha256": hashlib.sha256(self.pdf).hexdigest(),
        }


def rapid_review_freeze(case: Case, *, decision: Decision, sent_on: datetime.date) -> FrozenReport:
    """Render the report that is being sent to the Panel, from the records as they stand at the sending
    (called inside the sending's transaction, after the date sent is recorded, so the clock reads met)."""
    report = rapid_review_report(case, decision=decision, sent_on=sent_on)
    return FrozenReport(docx=docs.rapid_review_docx(report), pdf=docs.rapid_review_pdf(report))


def _sent_report(case: Case) -> PanelSending | None:
    return PanelSending.objects.filter(case=case, kind=PanelSending.Kind.RAPID_REVIEW).order_by("sent_at").first()


def rapid_review_bytes(case: Case, fmt: str) -> bytes:
    """The report to download. Once sent to the Panel: the frozen copy, for everyone (what was sent is what
    is read). Before: a draft from the records. A case sent before reports were frozen gets the report
    rebuilt for the round that was sent with it (round 1), never a later round."""
    sending = _sent_report(case)
    if sending is not None and sending.report_pdf:
        return bytes(sending.report_docx if fmt == "docx" else sending.report_pdf)
    rr = RapidReview.objects.filter(case=case).first()
    if rr is not None and rr.sent_on is not None:
        first = Decision.objects.filter(case=case, round=1, status=Decision.Status.DECIDED).first()
        report = rapid_review_report(case, decision=first, sent_on=rr.sent_on)
    else:
        report = rapid_review_report(case)
    return docs.rapid_review_docx(report) if fmt == "docx" else docs.rapid_review_pdf(report)


WHAT_HAPPENS_NEXT = {
    ReviewOption.LOCAL_REVIEW: (
        "The partnership will ask an independent reviewer to look at how services worked with your family. "
        "We would like to hear from you as part of it, if you wish. The review should be finished within six "
        "months, and we will tell you before anything is published."
    ),
    ReviewOption.NATIONAL_REVIEW: (
        "The partners have asked the national Child Safeguarding Practice Review Panel to consider a national "
        "review. We will tell you what the Panel decides."
    ),
    ReviewOption.LEARNING_REVIEW: (
        "The partnership will hold a learning review with the professionals who worked with your family, to "
        "understand what could be done better. We would like to hear your views as part of it, if you wish."
    ),
    ReviewOption.NO_REVIEW: (
        "There will not be a further review. The learning found so far is being shared with the services "
        "involved. You can still ask us about the decision at any time."
    ),
}


# Plain words for a family, not the names of review types (the letter aims at a reading age of about 11).
FAMILY_OUTCOME = {
    ReviewOption.LOCAL_REVIEW: "to carry out a review of how services worked with your family",
    ReviewOption.NATIONAL_REVIEW: "to ask the national Child Safeguarding Practice Review Panel to carry out a review",
    ReviewOption.LEARNING_REVIEW: "to hold a learning review with the professionals who worked with your family",
    ReviewOption.NO_REVIEW: "not to carry out a further review",
}


# The suggested reasons, in plain words for a family (issue 12, item 3). The partners' own reasons stay on the
# case: they name agencies, the statutory criteria and the scrutineer, and were written for each other and the
# Panel, not for a family. The business manager adjusts these before the letter goes. ``{child}`` is the
# child's first name; nothing here assumes that the child died or that they survived.
FAMILY_REASONS = {
    ReviewOption.LOCAL_REVIEW: (
        "We think the services who worked with {child} and your family can learn from what happened. "
        "A careful look at how they worked together will help us understand what could have been done "
        "differently, so that other children are kept safer."
    ),
    ReviewOption.NATIONAL_REVIEW: (
        "We think that what happened to {child} may hold lessons for services across England, not only "
        "where you live. That is why we have asked the national Panel to look at it."
    ),
    ReviewOption.LEARNING_REVIEW: (
        "We think the professionals who worked with {child} and your family can learn from what happened by "
        "talking it through together, and by hearing from you if you would like to take part."
    ),
    ReviewOption.NO_REVIEW: (
        "We looked carefully at how services worked with {child} and your family. The lessons we found are "
        "already known and are being acted on, so a further review would not tell us more. We have shared "
        "what we learned with the services involved."
    ),
}

# The first sentence of the reasons, fitted to what happened: a child who died, or one who survived.
FAMILY_OPENING = {
    "death": "After {child} died, the three senior leaders looked carefully at what happened.",
    "serious_harm": "After {child} was seriously hurt, the three senior leaders looked carefully at what happened.",
    "": "The three senior leaders looked carefully at what happened to {child}.",
}


def family_situation(case: Case) -> str:
    """What happened to the child, as the notification records it: "death", "serious_harm" or "" (not
    recorded, or another incident), so the letter's words fit a child who died and one who survived."""
    nature = Notification.objects.filter(case=case).values_list("nature", flat=True).first() or ""
    return nature if nature in {"death", "serious_harm"} else ""


def family_letter_intro(case: Case) -> str:
    """The letter page's guidance for the person writing it."""
    who = (
        "a family whose child has died"
        if family_situation(case) == "death"
        else "a family whose child has been seriously hurt"
        if family_situation(case) == "serious_harm"
        else "a family going through a very hard time"
    )
    return (
        "The letter explains the decision and its reasons in plain English. The suggested words are a start: "
        f"check every part and make it fit the family, because it goes to {who}."
    )


def family_letter_defaults(case: Case, user: User) -> dict[str, str]:
    decision = Decision.objects.filter(case=case, status=Decision.Status.DECIDED).order_by("-round").first()
    if decision is None:
        raise NotReady("The family letter can be written once the partners have decided.")
    first = case.children.first()
    child_first_name = (first.name.split() or [""])[0] if first else ""
    child = child_first_name or "your child"
    outcome = ReviewOption(decision.outcome)
    opening = FAMILY_OPENING[family_situation(case)].format(child=child)
    return {
        "child_first_name": child_first_name,
        "rationale": f"{opening} {FAMILY_REASONS[outcome].format(child=child)}",
        "what_happens_next": WHAT_HAPPENS_NEXT[outcome],
        "contact_name": user.full_name,
        "contact_role": "Business manager",
        "contact_email": user.email,
    }


def _family_letter(case: Case, user: User, fields: dict[str, str] | None) -> docs.FamilyLetter:
    decision = Decision.objects.filter(case=case, status=Decision.Status.DECIDED).order_by("-round").first()
    if decision is None:
        raise NotReady("The family letter can be written once the partners have decided.")
    values = {**family_letter_defaults(case, user), **(fields or {})}
    return docs.FamilyLetter(
        partnership_name=case.partnership.name,
        partnership_address=values.get("partnership_address", ""),
        addressee=values.get("addressee", ""),
        salutation=values.get("salutation", ""),
        child_pseudonym=case.pseudonym,
        child_first_name=values["child_first_name"],
        case_reference=case.reference,
        decision_outcome_label=FAMILY_OUTCOME[ReviewOption(decision.outcome)],
        rationale=values["rationale"],
        what_happens_next=values["what_happens_next"],
        contact_name=values["contact_name"],
        contact_role=values["contact_role"],
        contact_phone=values.get("contact_phone", ""),
        contact_email=values.get("contact_email", ""),
        date=timezone.localdate(),
    )


def family_letter_bytes(case: Case, fmt: str, *, user: User, fields: dict[str, str] | None = None) -> bytes:
    letter = _family_letter(case, user, fields)
    try:
        return docs.family_letter_docx(letter) if fmt == "docx" else docs.family_letter_pdf(letter)
    except docs.IncompleteLetter as exc:
        raise NotReady(str(exc).capitalize() + ".") from exc


def family_letter_preview(case: Case, *, user: User, fields: dict[str, str] | None = None) -> Document:
    """The letter as it will read, for the page to show before it is downloaded: the same outline the Word
    and PDF writers print (cspr.documents.family_letter), so the preview and the letter never differ. What
    is not typed yet reads as a gap to fill ("[...]") rather than stopping the preview."""
    values = dict(fields or {})
    for name, gap in (("salutation", "[their name]"), ("addressee", "[who the letter is to]")):
        if not (values.get(name) or "").strip():
            values[name] = gap
    letter = _family_letter(case, user, values)
    try:
        return family_letter_document(letter)
    except docs.IncompleteLetter as exc:
        raise NotReady(str(exc).capitalize() + ".") from exc


def rr_audit_summary_bytes(audit: RapidReviewAudit, fmt: str) -> bytes:
    rows = [
        docs.AuditRow(
            case_reference=i.case.reference,
            child_pseudonym=i.case.pseudonym,
            comment=i.comment,
            **{
                key: SCORE[i.scores[key]]
                for key in (
                    "facts_gathered",
                    "immediate_safety",
                    "criteria_reasoned",
                    "rationale_clear",
                    "family_told",
                    "on_time",
                )
            },
        )
        for i in audit.items.select_related("case")
        if i.scores
    ]
    summary = docs.RapidReviewAuditSummary(
        partnership_name=audit.partnership.name,
        period_start=audit.period_start,
        period_end=audit.period_end,
        rows=rows,
        generated_on=timezone.localdate(),
    )
    return docs.rr_audit_summary_docx(summary) if fmt == "docx" else docs.rr_audit_summary_pdf(summary)
