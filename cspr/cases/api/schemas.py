"""Request and response bodies of /api/v1/cases.

Choice fields are Literal types so the OpenAPI document lists their values; each matches the model's choices
(tests/api/test_cases_api.py checks they stay in step). Dates are ISO 8601 strings. Fields that only the
partnership's own people may read (child names, dates of birth, narratives the Panel was not sent) are null
for everyone else: the same rule as the case page (DESIGN.md rule 6).
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from cspr.cases.rules.regulation11 import CIRCUMSTANCES, CRITERIA
from cspr.cases.services.rr_audit import CHECKLIST

# --- choices (values of the model's TextChoices) ------------------------------------------------------------

CaseStateValue = Literal[
    "referred",
    "notification",
    "rapid_review",
    "decision",
    "sent_to_panel",
    "panel_challenged",
    "local_review",
    "published",
    "national_review",
    "learning_review",
    "no_review",
    "no_further_action",
    "closed",
]
SexValue = Literal["female", "male", "not_known"]
LegalStatusValue = Literal["none", "child_in_need", "child_protection", "looked_after", "care_leaver"]
NatureValue = Literal["death", "serious_harm", "other"]
AbuseOrNeglectValue = Literal["known", "suspected", "not_suspected"]
ScreeningOutcomeValue = Literal["notification", "learning_review", "no_further_action"]
ReviewOptionValue = Literal["local_review", "national_review", "learning_review", "no_review"]
AnswerValue = Literal["yes", "no", "maybe"]
CriterionCode = Literal["a", "b", "c", "d", "one_agency", "no_involvement", "several_areas", "institutional"]
FamilyMethodValue = Literal["in_person", "letter", "phone", "other"]
PanelResponseValue = Literal["agree", "challenge"]
NationalReviewValue = Literal["yes", "no", "considering"]
AgeBandValue = Literal["under-1", "1-4", "5-9", "10-15", "16-17", "18-plus", "unknown"]
ChecklistItem = Literal[
    "facts_gathered", "immediate_safety", "criteria_reasoned", "rationale_clear", "family_told", "on_time"
]
ScoreValue = Literal["met", "partly", "not_met"]
AgencyRequestStatusValue = Literal["open", "answered", "withdrawn"]
DecisionStatusValue = Literal["voting", "scrutineer", "revoting", "decided"]

WHOLE_CASE_ONLY = "Null unless you see the whole case (the partnership's own people); never sent to the Panel."
CRITERIA_HELP = "Keys: " + "; ".join(f"'{code}': {label}" for code, label in CRITERIA + CIRCUMSTANCES) + "."
CHECKLIST_HELP = "Keys: " + "; ".join(f"'{key}': {label}" for key, label in CHECKLIST) + "."


# --- errors ----------------------------------------------------------------------------------------------------


class ErrorOut(Schema):
    """What every refused call under /api/ answers, the one error schema of the OpenAPI document (cspr/api/api.py
    documents it on every operation): 400 the request could not be read, 401 no valid token, 403 your role may
    not do it, 404 not there or not yours to see, 405 not a method this address answers, 409 someone saved first
    or the case is not at that step, 413 too large, 422 a broken rule, 429 too many attempts."""

    detail: str | list[dict[str, Any]] = Field(
        description="The reason, in words a person can act on. When the body's shape is wrong (a missing field, "
        "a value not in the list) it is a list of {loc, msg, type} instead, and loc names the field."
    )
    field_errors: dict[str, str] = Field(
        {},
        description="For 422: each broken rule under the field's name in the body or the address, e.g. "
        "'children.0.date_of_birth'. Empty for other refusals.",
    )


# --- cases ---------------------------------------------------------------------------------------------------


class CaseOut(Schema):
    """A case as lists show it: reference and pseudonym, never a child's name."""

    id: int
    reference: str
    pseudonym: str = Field(description="How lists and reports name the child, e.g. 'Child Q'.")
    partnership: str = Field(description="The partnership's slug.")
    partnership_name: str
    state: CaseStateValue
    state_label: str
    version: int = Field(description="Send it back with PUT .../notification: a stale version is refused (409).")
    sent_to_panel_at: datetime.datetime | None = Field(
        description="When the notification was recorded as sent to the national Panel; from then the Panel sees it."
    )


class ReferralOut(Schema):
    referred_by: str
    referring_organisation: str | None
    created_at: datetime.datetime
    incident_date: datetime.date | None
    what_happened: str
    who_was_harmed: str
    agency_knowledge: str
    why_criteria_met: str
    outcome: str
    outcome_label: str
    outcome_reasons: str


class MyReferralOut(Schema):
    """A referral as its referrer sees it: where it went and what became of it, not the case."""

    case_reference: str
    partnership_name: str
    created_at: datetime.datetime
    outcome: str
    outcome_label: str


class ChildIn(Schema):
    name: str
    other_names: str = ""
    date_of_birth: datetime.date | None = None
    sex: SexValue = "not_known"
    ethnicity: str = ""
    disability: str = ""
    legal_status: LegalStatusValue = "none"
    la_of_residence: str = ""


class ChildOut(Schema):
    position: int
    pseudonym: str
    age_band: str
    sex: str
    legal_status: str
    name: str | None = Field(description=WHOLE_CASE_ONLY)
    other_names: str | None = Field(description=WHOLE_CASE_ONLY)
    date_of_birth: datetime.date | None = Field(description=WHOLE_CASE_ONLY)
    ethnicity: str | None = Field(description=WHOLE_CASE_ONLY)
    disability: str | None = Field(description=WHOLE_CASE_ONLY)
    la_of_residence: str | None = Field(description=WHOLE_CASE_ONLY)


class ReferralIn(Schema):
    partnership: str = Field(description="The partnership's slug (GET /api/v1/me lists yours).")
    what_happened: str
    who_was_harmed: str = Field(description="The child or children: names, ages, where they live.")
    agency_knowledge: str = ""
    why_criteria_met: str = ""
    incident_date: datetime.date | None = None
    organisation_id: int | None = Field(
        None, description="Your agency in that partnership; by default the agency you belong to there."
    )


class ScreeningIn(Schema):
    outcome: ScreeningOutcomeValue
    reasons: str


class NewNotificationIn(Schema):
    partnership: str = Field(description="The partnership's slug (GET /api/v1/me lists yours).")
    pseudonym: str = Field("", description="Leave blank for the next 'Child A', 'Child B', ...")
    summary: str = ""
    children: list[ChildIn] = Field([], description="At most 4 children; PUT .../notification can replace them.")


class NotificationIn(Schema):
    """Every detail of the notification. PUT replaces all of them: a field left out is cleared, and the
    children sent replace the children recorded."""

    version: int = Field(description="The case version you read; a stale version is refused with 409.")
    nature: NatureValue | None = None
    abuse_or_neglect: AbuseOrNeglectValue | None = None
    incident_date: datetime.date | None = None
    incident_time: datetime.time | None = None
    place: str = ""
    la_where_happened: str = ""
    in_area: bool | None = Field(None, description="It happened in the local authority's area.")
    resident_harmed_outside_england: bool = False
    looked_after_child_death: bool = False
    care_leaver_death: bool = False
    care_leaver_age: int | None = None
    la_became_aware: datetime.date | None = Field(
        None, description="Starts the 5-working-day clock for notifying the Panel."
    )
    agencies_involved: str = ""
    linked_cases: str = ""
    description: str = Field("", description="The free text the national form takes; the Panel reads it.")
    notifier_name: str = ""
    notifier_role: str = ""
    notifier_email: str = ""
    summary: str | None = Field(None, description="The case's summary; left unchanged when null.")
    children: list[ChildIn] = []


class NotificationCorrectionIn(NotificationIn):
    """A correction of a notification already sent to the Panel: every detail as it should have been (as PUT,
    a field left out is cleared), and why. It is kept as a new, dated version; the Panel is told."""

    reason: str = Field(description="Why the notification is corrected; the Panel reads it.")


class NotificationVersionOut(Schema):
    """One version of what the Panel was notified: 1 is the notification as sent, each later one a correction."""

    number: int
    correction: bool
    recorded_at: datetime.datetime = Field(description="When it was sent (1) or corrected (later numbers).")
    reason: str = Field(description="Why it was corrected; empty for the notification as sent.")
    recorded_by: str | None = Field(description=WHOLE_CASE_ONLY)
    nature: str
    abuse_or_neglect: str
    incident_date: datetime.date | None
    la_where_happened: str
    la_became_aware: datetime.date | None
    description: str
    children: list[ChildOut]


class NotificationOut(Schema):
    version: int = Field(description="The case version: send it back with PUT .../notification.")
    nature: str
    abuse_or_neglect: str
    incident_date: datetime.date | None
    la_where_happened: str
    la_became_aware: datetime.date | None
    description: str
    sent_on: datetime.date | None
    panel_reference: str
    late_reason: str
    children: list[ChildOut]
    incident_time: datetime.time | None = Field(description=WHOLE_CASE_ONLY)
    place: str | None = Field(description=WHOLE_CASE_ONLY)
    in_area: bool | None = Field(description=WHOLE_CASE_ONLY)
    resident_harmed_outside_england: bool | None = Field(description=WHOLE_CASE_ONLY)
    looked_after_child_death: bool | None = Field(description=WHOLE_CASE_ONLY)
    care_leaver_death: bool | None = Field(description=WHOLE_CASE_ONLY)
    care_leaver_age: int | None = Field(description=WHOLE_CASE_ONLY)
    agencies_involved: str | None = Field(description=WHOLE_CASE_ONLY)
    linked_cases: str | None = Field(description=WHOLE_CASE_ONLY)
    notifier_name: str | None = Field(description=WHOLE_CASE_ONLY)
    notifier_role: str | None = Field(description=WHOLE_CASE_ONLY)
    notifier_email: str | None = Field(description=WHOLE_CASE_ONLY)
    partners_informed_on: datetime.date | None = Field(description=WHOLE_CASE_ONLY)
    corrected_on: datetime.date | None = Field(
        None, description="When the notification was last corrected after it was sent; null if never."
    )
    versions: list[NotificationVersionOut] = Field(
        [], description="What the Panel was notified: the notification as sent, then each correction, oldest first."
    )


class CriterionOut(Schema):
    label: str
    met: bool | None = Field(description="Null while the question is unanswered.")
    explanation: str


class EligibilityOut(Schema):
    notifiable: bool
    rapid_review_needed: bool
    complete: bool = Field(description="False while a question is unanswered: nothing is guessed.")
    route: str
    what_follows: str
    criteria: list[CriterionOut]


class NotificationSentIn(Schema):
    sent_on: datetime.date
    panel_reference: str = Field(description="The reference the Panel gave the notification.")
    partners_informed_on: datetime.date | None = None
    late_reason: str = Field("", description="Required when sent after the 5-working-day due date.")


class ClockOut(Schema):
    milestone: str
    label: str
    responsible: str
    statutory: bool
    status: str = Field(
        description=(
            "not_started, running, due_soon, overdue, paused, met, met_late, breached or not_required "
            "(cspr.timescales)."
        )
    )
    status_label: str
    start: datetime.date | None
    statutory_due: datetime.date | None = Field(description="The date the rule gives.")
    effective_due: datetime.date | None = Field(description="The date after any pauses and extensions.")
    met_on: datetime.date | None
    working_days_late: int | None = Field(description="Set for overdue and met clocks (0 when met on time).")
    working_days_to_go: int | None
    lateness: str
    explanation: list[str] = Field(description="How the due date was worked out: start, rule, days skipped.")


# --- rapid review ---------------------------------------------------------------------------------------------


class CriterionIn(Schema):
    answer: AnswerValue | None = None
    reasons: str = ""


class RapidReviewIn(Schema):
    """Sections left out keep what they hold; a section sent as null is cleared."""

    version: int = Field(description="The rapid review version you read; a stale version is refused with 409.")
    meeting_date: datetime.date | None = None
    good_practice: str | None = None
    learning_so_far: str | None = None
    learning_shared: str | None = None
    family_context: str | None = None
    family_views: str | None = None
    practitioner_views: str | None = None
    recommendation: ReviewOptionValue | None = None
    recommendation_reasons: str | None = None
    criteria: dict[CriterionCode, CriterionIn] = Field(
        {}, description="Regulation 11 criteria and circumstances to weigh. " + CRITERIA_HELP
    )


class CriterionAnswerOut(Schema):
    answer: str
    reasons: str


class EpisodeIn(Schema):
    date: datetime.date
    agency: str
    what_happened: str
    analysis: str = ""


class EpisodeOut(Schema):
    id: int
    date: datetime.date
    agency: str
    what_happened: str
    analysis: str


class ImmediateActionIn(Schema):
    action: str = Field(description="What was done to keep children safe.")
    by_whom: str
    done_on: datetime.date | None = None


class ImmediateActionOut(Schema):
    id: int
    action: str
    by_whom: str
    done_on: datetime.date | None


class RapidReviewOut(Schema):
    version: int
    meeting_date: datetime.date | None
    good_practice: str
    learning_so_far: str
    learning_shared: str
    family_context: str
    family_views: str
    practitioner_views: str
    criteria: dict[str, CriterionAnswerOut] = Field(description=CRITERIA_HELP)
    recommendation: str
    recommendation_reasons: str
    ready_for_decision_at: datetime.datetime | None
    sent_on: datetime.date | None = Field(description="When it was sent to the Panel; from then the Panel reads it.")
    episodes: list[EpisodeOut]
    immediate_actions: list[ImmediateActionOut]


class AgencyRequestIn(Schema):
    organisation_id: int = Field(description="One of the agencies from GET .../rapid-review/contributors.")
    contributor_id: int = Field(description="An agency contributor of that agency.")
    shared_facts: str = Field(description="All the contributor will be told about the case.")
    questions: str = ""
    due_date: datetime.date | None = Field(None, description="Default: working day 10 of the rapid review.")


class AgencyRequestOut(Schema):
    id: int
    case_reference: str
    case_pseudonym: str
    partnership_name: str
    organisation_id: int
    organisation: str
    contributor_id: int
    contributor: str
    due_date: datetime.date
    status: AgencyRequestStatusValue
    shared_facts: str
    questions: str
    response: str
    responded_at: datetime.datetime | None


class AgencyRequestResponseIn(Schema):
    response: str = Field(description="Your agency's summary of its involvement with the child and family.")


class ContributorOut(Schema):
    id: int
    full_name: str


class AgencyOut(Schema):
    organisation_id: int
    organisation: str
    kind: str
    contributors: list[ContributorOut]


# --- decision and the Panel -----------------------------------------------------------------------------------


class VoteIn(Schema):
    option: ReviewOptionValue
    rationale: str


class AdviceIn(Schema):
    advice: str


class MajorityIn(Schema):
    rationale: str = Field(description="The partnership's rationale; each partner's vote and reasons are appended.")


class FamilyIn(Schema):
    told_on: datetime.date
    method: FamilyMethodValue
    told_by: str = Field(description="The practitioner who told the family, and their role.")
    notes: str = ""


class FamilyOut(Schema):
    told_on: datetime.date
    method: str
    told_by: str
    notes: str


class RapidReviewSentIn(Schema):
    sent_on: datetime.date


class JustificationIn(Schema):
    justification: str


class VoteOut(Schema):
    stage: int = Field(description="1: first vote; 2: a vote changed after the scrutineer's advice.")
    partner: str
    option: str
    rationale: str
    decision_maker: str


class PanelResponseIn(Schema):
    response: PanelResponseValue
    national_review: NationalReviewValue
    responded_on: datetime.date
    reasons: str = Field("", description="Required for a challenge.")


class PanelResponseOut(Schema):
    round: int
    response: str
    national_review: str
    responded_on: datetime.date
    reasons: str


SENT_IN_SUMMARY = (
    "Null for the Panel on a round after its challenge: it was sent that round's outcome, whether the decision "
    "was kept or changed, and the justification, not the votes or advice of the partners' meeting."
)


class DecisionOut(Schema):
    """One round of the partners' decision. The Panel reads the first round once the rapid review was sent to
    it, and a later round only once the partners sent it their justification."""

    round: int = Field(description="1 after the rapid review; 2 and on after a Panel challenge.")
    status: DecisionStatusValue
    outcome: str
    method: str
    rationale: str | None = Field(description=SENT_IN_SUMMARY)
    decided_on: datetime.date | None
    scrutineer_advice: str | None = Field(description=SENT_IN_SUMMARY)
    kept_or_changed: str
    justification: str
    votes: list[VoteOut] | None = Field(description=SENT_IN_SUMMARY)
    family_communications: list[FamilyOut] | None = Field(description=WHOLE_CASE_ONLY)
    panel_responses: list[PanelResponseOut]


class CaseDetailOut(CaseOut):
    """One case with what the reader may see of each step."""

    whole_case: bool = Field(description="True for the partnership's own people; false for the Panel.")
    summary: str | None = Field(description=WHOLE_CASE_ONLY)
    referral: ReferralOut | None = Field(description=WHOLE_CASE_ONLY)
    notification: NotificationOut | None
    rapid_review: RapidReviewOut | None = Field(description="For the Panel, null until the rapid review is sent to it.")
    decisions: list[DecisionOut] = Field(description="For the Panel, empty until the rapid review is sent to it.")


class PanelQuery(Schema):
    partnership: str | None = Field(None, description="A partnership's slug.")
    age_band: AgeBandValue | None = None
    nature: NatureValue | None = None
    state: CaseStateValue | None = None
    overdue: bool = Field(False, description="Only rapid reviews not sent by their 15-working-day due date.")


class PanelCaseOut(CaseOut):
    nature: str
    age_bands: list[str]
    notification_sent_on: datetime.date | None
    rapid_review_sent_on: datetime.date | None
    rapid_review_due: datetime.date | None
    rapid_review_status: str


# --- rapid review audits --------------------------------------------------------------------------------------


class AuditIn(Schema):
    partnership: str = Field(description="The partnership's slug.")
    period_start: datetime.date
    period_end: datetime.date
    sample_size: int = Field(5, description="Between 1 and 50; every rapid review when fewer were sent.")


class ScoresIn(Schema):
    scores: dict[ChecklistItem, ScoreValue] = Field(description="Every checklist item. " + CHECKLIST_HELP)
    comment: str = ""


class CompleteIn(Schema):
    overall_comment: str = ""


class ChecklistItemOut(Schema):
    id: str
    label: str


class AuditItemOut(Schema):
    id: int
    case_id: int
    case_reference: str
    case_pseudonym: str
    scores: dict[str, str]
    comment: str
    scored_at: datetime.datetime | None


class AuditOut(Schema):
    id: int
    partnership: str
    period_start: datetime.date
    period_end: datetime.date
    created_at: datetime.datetime
    completed_at: datetime.datetime | None
    overall_comment: str
    checklist: list[ChecklistItemOut]
    items: list[AuditItemOut]


class AuditSummaryOut(Schema):
    id: int
    partnership: str
    period_start: datetime.date
    period_end: datetime.date
    created_at: datetime.datetime
    completed_at: datetime.datetime | None


# --- documents, attachments and the case's history ---------------------------------------------------------

DocumentFormat = Literal["docx", "pdf"]


class FamilyLetterIn(Schema):
    """The letter telling the family of the decision and its reasons. Left out, a field takes what the case
    page's form suggests: the first child's first name, the decision's rationale, what happens next for that
    outcome, and you as the contact. Check every part: it goes to a grieving family."""

    addressee: str = Field(description="Who the letter is to, e.g. 'Ms Jane Smith'.")
    salutation: str = Field(description="What follows 'Dear', e.g. 'Ms Smith'.")
    partnership_address: str = Field("", description="One line per line of the address.")
    child_first_name: str | None = Field(None, description="The child's first name, as the family uses it.")
    rationale: str | None = Field(None, description="The reasons for the decision, in plain English.")
    what_happens_next: str | None = None
    contact_name: str | None = None
    contact_role: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None


class AttachmentOut(Schema):
    """A file attached to the case's notification. Its bytes come from GET .../attachments/{attachment_id}."""

    id: int
    name: str = Field(description="The file's name as uploaded.")
    content_type: str = Field(description="Checked from the file's content, not its name.")
    size: int = Field(description="In bytes.")
    sha256: str
    description: str
    uploaded_at: datetime.datetime
    uploaded_by: str | None = Field(description=WHOLE_CASE_ONLY)


class HistoryEventOut(Schema):
    """One event of the case's audit trail: who did what, when. ``changes`` names fields and ids, never the
    personal data itself."""

    seq: int = Field(description="The event's place in the hash-chained audit log.")
    occurred_at: datetime.datetime
    actor: str | None = Field(description="Who did it; null for the system (a reminder, a scheduled task).")
    action: str = Field(description="e.g. 'case.viewed', 'rapid_review.updated', 'decision.made'.")
    changes: dict[str, Any] | None


class PublicationOut(Schema):
    """A published review: the case, moved to `published`, and the library report its final report became."""

    case: CaseOut
    library_report_id: int = Field(description="The report in the public library: GET /api/v1/library/reports/{id}.")
