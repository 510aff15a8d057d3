"""A case's life, from referral to the Panel's response (DOMAIN.md, the chain, steps 1-5 and 12).

Personal data is encrypted at rest; lists and URLs use the case reference and the child's pseudonym only
(DESIGN.md rule 6). Every row here is written by a service in ``cspr.cases.services`` (rule 2) and every
change of ``Case.state`` goes through ``cspr.cases.state`` (rule 3).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cspr.core.fields import (
    EncryptedBinaryField,
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
)


class CaseState(models.TextChoices):
    REFERRED = "referred", "Referral being screened"
    NOTIFICATION = "notification", "Notification being prepared"
    RAPID_REVIEW = "rapid_review", "Rapid review in progress"
    DECISION = "decision", "Partners deciding on a review"
    SENT_TO_PANEL = "sent_to_panel", "Sent to the Panel, awaiting its response"
    PANEL_CHALLENGED = "panel_challenged", "Panel challenged the decision"
    LOCAL_REVIEW = "local_review", "Local review to be carried out"
    PUBLISHED = "published", "Review published"
    NATIONAL_REVIEW = "national_review", "National review by the Panel"
    LEARNING_REVIEW = "learning_review", "Multi-agency learning review"
    NO_REVIEW = "no_review", "No further review"
    NO_FURTHER_ACTION = "no_further_action", "Referral closed: no further action"
    CLOSED = "closed", "Closed"


class Partner(models.TextChoices):
    """The three safeguarding partners (Children Act 2004 s16E)."""

    LA = "la", "Local authority"
    POLICE = "police", "Police"
    ICB = "icb", "Integrated care board"


class ReviewOption(models.TextChoices):
    """What a decision maker can vote for (DOMAIN.md step 4)."""

    LOCAL_REVIEW = "local_review", "Local child safeguarding practice review"
    NATIONAL_REVIEW = "national_review", "Recommend a national review to the Panel"
    LEARNING_REVIEW = "learning_review", "Multi-agency learning review"
    NO_REVIEW = "no_review", "No review"


class Case(models.Model):
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=40, help_text="The partnership's case reference, e.g. CSPR-2026-004.")
    pseudonym = models.CharField(max_length=60, help_text="How lists and reports name the child, e.g. Child Q.")
    state = models.CharField(max_length=30, choices=CaseState.choices, default=CaseState.REFERRED)
    process = models.CharField(max_length=60, default="england-cspr", help_text="cspr.timescales process id.")
    summary = EncryptedTextField(blank=True, help_text="What happened, in brief. Encrypted.")
    sent_to_panel_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the notification was sent to the national Panel; from then the Panel sees the case.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Optimistic locking: a form carries the version it was read at; a stale save is refused (DESIGN.md rule 5).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="case_reference_unique_in_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.pseudonym})"


class Child(models.Model):
    """A child named in a notification (one incident, up to 4 children). Identifying fields are encrypted."""

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        NOT_KNOWN = "not_known", "Not known"

    class LegalStatus(models.TextChoices):
        NONE = "none", "None of these"
        CHILD_IN_NEED = "child_in_need", "Child in need plan"
        CHILD_PROTECTION = "child_protection", "Child protection plan"
        LOOKED_AFTER = "looked_after", "Looked after child"
        CARE_LEAVER = "care_leaver", "Care leaver"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveSmallIntegerField(default=1)
    pseudonym = models.CharField(max_length=60)
    name = EncryptedCharField(max_length=200)
    other_names = EncryptedTextField(blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    age_band = models.CharField(max_length=20, blank=True, help_text="Kept plain so the Panel can filter by age.")
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_KNOWN)
    ethnicity = EncryptedCharField(max_length=120, blank=True)
    disability = EncryptedTextField(blank=True)
    legal_status = models.CharField(max_length=30, choices=LegalStatus.choices, default=LegalStatus.NONE)
    la_of_residence = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.pseudonym


class CaseDate(models.Model):
    """A recorded event that starts or stops a statutory clock (event ids from cspr.timescales processes)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dates")
    event = models.CharField(max_length=60)
    date = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "event"], name="case_date_unique_event")]

    def __str__(self) -> str:
        return f"{self.event} {self.date}"


class Referral(models.Model):
    """An agency tells the partnership about an incident it thinks should be considered for a review (step 1)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Waiting to be screened"
        NOTIFICATION = "notification", "Becomes a serious incident notification"
        LEARNING_REVIEW = "learning_review", "Goes to a multi-agency learning review"
        NO_FURTHER_ACTION = "no_further_action", "No further action"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="referral")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals")
    referring_organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    incident_date = models.DateField(null=True, blank=True)
    what_happened = EncryptedTextField()
    who_was_harmed = EncryptedTextField(help_text="The child or children: names, ages, where they live.")
    agency_knowledge = EncryptedTextField(blank=True, help_text="What the referring agency knew of the family.")
    why_criteria_met = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_reasons = EncryptedTextField(blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Referral for {self.case.reference}"


class Notification(models.Model):
    """The Serious Incident Notification to the national Panel (DOMAIN.md step 2)."""

    class Nature(models.TextChoices):
        DEATH = "death", "Death"
        SERIOUS_HARM = "serious_harm", "Serious harm"
        OTHER = "other", "Other"

    class AbuseOrNeglect(models.TextChoices):
        KNOWN = "known", "Known"
        SUSPECTED = "suspected", "Suspected"
        NOT_SUSPECTED = "not_suspected", "Neither known nor suspected"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="notification")
    nature = models.CharField(max_length=20, choices=Nature.choices, blank=True)
    abuse_or_neglect = models.CharField(max_length=20, choices=AbuseOrNeglect.choices, blank=True)
    incident_date = models.DateField(null=True, blank=True)
    incident_time = models.TimeField(null=True, blank=True)
    place = EncryptedTextField(blank=True)
    la_where_happened = models.CharField(max_length=200, blank=True)
    in_area = models.BooleanField(null=True, help_text="Happened in the LA's area.")
    resident_harmed_outside_england = models.BooleanField(default=False)
    looked_after_child_death = models.BooleanField(default=False)
    care_leaver_death = models.BooleanField(default=False)
    care_leaver_age = models.PositiveSmallIntegerField(null=True, blank=True)
    la_became_aware = models.DateField(null=True, blank=True)
    agencies_involved = EncryptedTextField(blank=True)
    linked_cases = EncryptedTextField(blank=True, help_text="Linked cases and siblings.")
    description = EncryptedTextField(blank=True, help_text="The free text the national form takes.")
    notifier_name = models.CharField(max_length=200, blank=True)
    notifier_role = models.CharField(max_length=200, blank=True)
    notifier_email = models.EmailField(blank=True)
    sent_on = models.DateField(null=True, blank=True, help_text="Date sent to the Panel.")
    panel_reference = models.CharField(max_length=60, blank=True)
    partners_informed_on = models.DateField(null=True, blank=True)
    late_reason = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Notification for {self.case.reference}"


class NotificationVersion(models.Model):
    """What the Panel was notified, one row each time: number 1 is the notification as sent, each later number
    a correction sent after it (issue "Prove it holds", defect 8).

    Once sent, the notification is not edited in place: a correction is a new, dated version kept with who made
    it, when and why, so the Panel reads what it was told and can still read what it was told first. ``content``
    holds the notification's fields and its children as they were notified; it names the children, so it is
    encrypted (DESIGN.md rule 6). Written only by ``notification_record_sent`` and ``notification_correct``.
    """

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = EncryptedJSONField(help_text="The fields and children as notified. Encrypted.")
    reason = EncryptedTextField(blank=True, help_text="Why it was corrected (empty for the notification as sent).")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "number"], name="notification_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"Notification version {self.number}"

    @property
    def is_correction(self) -> bool:
        return self.number > 1

    def shown(self) -> dict[str, object]:
        """What the Panel read in this version, as the case page shows it: labels for choices, dates as dates."""
        import datetime

        fields = self.content.get("fields", {}) if isinstance(self.content, dict) else {}
        children = self.content.get("children", []) if isinstance(self.content, dict) else []

        def day(value: object) -> datetime.date | None:
            return datetime.date.fromisoformat(value) if isinstance(value, str) and value else None

        nature = dict(Notification.Nature.choices).get(fields.get("nature") or "", "")
        abuse = dict(Notification.AbuseOrNeglect.choices).get(fields.get("abuse_or_neglect") or "", "")
        return {
            "nature": nature,
            "abuse_or_neglect": abuse,
            "incident_date": day(fields.get("incident_date")),
            "la_where_happened": fields.get("la_where_happened") or "",
            "la_became_aware": day(fields.get("la_became_aware")),
            "description": fields.get("description") or "",
            "children": ", ".join(str(c.get("pseudonym", "")) for c in children),
        }


class RapidReview(models.Model):
    """The 15-working-day rapid review (DOMAIN.md step 3). Narrative sections are encrypted."""

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        MAYBE = "maybe", "Maybe"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rapid_review")
    meeting_date = models.DateField(null=True, blank=True)
    good_practice = EncryptedTextField(blank=True)
    learning_so_far = EncryptedTextField(blank=True)
    learning_shared = EncryptedTextField(blank=True, help_text="Learning shared so far and how.")
    family_context = EncryptedTextField(blank=True, help_text="Including race, culture and disability.")
    family_views = EncryptedTextField(blank=True)
    practitioner_views = EncryptedTextField(blank=True)
    # {"a": {"answer": "yes", "reasons": "..."}, ...} for regulation 11 criteria and circumstances to weigh.
    criteria = EncryptedJSONField(null=True, blank=True)
    recommendation = models.CharField(max_length=30, choices=ReviewOption.choices, blank=True)
    recommendation_reasons = EncryptedTextField(blank=True)
    ready_for_decision_at = models.DateTimeField(null=True, blank=True)
    sent_on = models.DateField(null=True, blank=True, help_text="Date the rapid review was sent to the Panel.")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Rapid review for {self.case.reference}"


class AgencyRequest(models.Model):
    """A request to an agency for a summary of its involvement, answered in the product by a named contributor.

    The contributor sees only this request and the case facts the business manager chose to share.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a response"
        ANSWERED = "answered", "Answered"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Purpose(models.TextChoices):
        """What is asked: the rapid review's summary of involvement (DOMAIN.md step 3), or, for the local
        review, a chronology or an individual management report (step 7)."""

        SUMMARY = "summary", "Summary of involvement"
        CHRONOLOGY = "chronology", "Chronology"
        MANAGEMENT_REPORT = "management_report", "Individual management report"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agency_requests")
    purpose = models.CharField(max_length=30, choices=Purpose.choices, default=Purpose.SUMMARY)
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agency_requests")
    shared_facts = EncryptedTextField(help_text="What the contributor is told about the case.")
    questions = EncryptedTextField(blank=True)
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    response = EncryptedTextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True, help_text="Dates a reminder was e-mailed.")
    escalated_on = models.DateField(
        null=True, blank=True, help_text="When a late local review request was taken to the agency's decision maker."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"Request {self.pk} to {self.organisation}"


class Episode(models.Model):
    """A key practice episode in the rapid review's chronology, with its analysis."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="episodes")
    date = models.DateField()
    agency = models.CharField(max_length=200)
    what_happened = EncryptedTextField()
    analysis = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"Episode {self.pk} ({self.date})"


class ImmediateAction(models.Model):
    """An action taken to keep children safe, and who took it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="immediate_actions")
    action = EncryptedTextField()
    by_whom = models.CharField(max_length=200)
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Immediate action {self.pk}"


class Decision(models.Model):
    """The safeguarding partners' decision on a review. Round 1 follows the rapid review; a later round
    follows a Panel challenge, when the partners meet again with the scrutineer (DOMAIN.md steps 4-5)."""

    class Status(models.TextChoices):
        VOTING = "voting", "Decision makers voting"
        SCRUTINEER = "scrutineer", "Waiting for the scrutineer's advice"
        REVOTING = "revoting", "Decision makers reconsidering after advice"
        DECIDED = "decided", "Decided"

    class Method(models.TextChoices):
        UNANIMOUS = "unanimous", "All three partners agreed"
        MAJORITY = "majority", "Majority after the scrutineer's advice"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.VOTING)
    outcome = models.CharField(max_length=30, choices=ReviewOption.choices, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    rationale = EncryptedTextField(blank=True, help_text="The reasons for the decision, as recorded.")
    decided_on = models.DateField(null=True, blank=True)
    scrutineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scrutineer_advice = EncryptedTextField(blank=True)
    scrutineer_advised_at = models.DateTimeField(null=True, blank=True)
    # After a Panel challenge: did the partners keep or change their decision, and why (sent to the Panel).
    kept_or_changed = models.CharField(
        max_length=10, choices=[("kept", "Kept the decision"), ("changed", "Changed the decision")], blank=True
    )
    justification = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "round"]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="decision_unique_round")]

    def __str__(self) -> str:
        return f"Decision round {self.round} for {self.case.reference}"


class Vote(models.Model):
    """One partner's vote. Stage 1 is the first vote; stage 2 a vote changed after the scrutineer's advice."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    stage = models.PositiveSmallIntegerField(default=1)
    partner = models.CharField(max_length=10, choices=Partner.choices)
    decision_maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    option = models.CharField(max_length=30, choices=ReviewOption.choices)
    rationale = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["stage", "partner"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "stage", "partner"], name="vote_unique_partner_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_partner_display()} vote (stage {self.stage})"


class FamilyCommunication(models.Model):
    """How and when the family was told of the decision and its reasons (DOMAIN.md step 4)."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person, with a letter"
        LETTER = "letter", "Letter"
        PHONE = "phone", "Telephone, with a letter"
        OTHER = "other", "Another way"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="family_communications")
    told_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    told_by = models.CharField(max_length=200, help_text="The practitioner who told the family, and their role.")
    notes = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["told_on", "pk"]

    def __str__(self) -> str:
        return f"Family told on {self.told_on}"


class PanelResponse(models.Model):
    """The national Panel's response to a rapid review and decision (DOMAIN.md step 5)."""

    class Response(models.TextChoices):
        AGREE = "agree", "Agrees with the decision"
        CHALLENGE = "challenge", "Challenges the decision"

    class NationalReview(models.TextChoices):
        YES = "yes", "The Panel will carry out a national review"
        NO = "no", "No national review"
        CONSIDERING = "considering", "The Panel is still considering a national review"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="panel_responses")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="panel_responses")
    response = models.CharField(max_length=20, choices=Response.choices)
    reasons = EncryptedTextField(blank=True)
    national_review = models.CharField(max_length=20, choices=NationalReview.choices)
    responded_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Panel response {self.pk} for {self.case.reference}"


class RapidReviewAudit(models.Model):
    """A periodic audit of a sample of recent rapid reviews for the assurance group (DOMAIN.md step 12)."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    overall_comment = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Rapid review audit {self.period_start} to {self.period_end}"


class RapidReviewAuditItem(models.Model):
    """One sampled rapid review scored against the checklist."""

    audit = models.ForeignKey(RapidReviewAudit, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(default=dict, blank=True, help_text="checklist item id -> met / partly / not_met")
    comment = EncryptedTextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["audit", "case"], name="audit_item_unique_case")]

    def __str__(self) -> str:
        return f"Audit item {self.pk}"


__all__ = [
    "AgencyRequest",
    "Case",
    "CaseDate",
    "CaseState",
    "Child",
    "Decision",
    "Episode",
    "FamilyCommunication",
    "ImmediateAction",
    "Notification",
    "NotificationVersion",
    "PanelResponse",
    "Partner",
    "RapidReview",
    "RapidReviewAudit",
    "RapidReviewAuditItem",
    "Referral",
    "ReviewOption",
    "Vote",
]


class Attachment(models.Model):
    """A file attached to a case's notification (DOMAIN.md step 2: attachments), or to an agency's answer to a
    request for information (``agency_request``).

    The file's bytes are encrypted with the field keys before they reach storage, and its name is encrypted
    in the database: a copy of the files folder alone reveals nothing. It is served only through an
    authorised view, and every download is audited (DESIGN.md rule 6).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    # A file an agency contributor attached to their answer to a request (issue 12, item 3): the partnership's
    # own people read it with the answer; it is not part of what is sent to the Panel.
    agency_request = models.ForeignKey(
        AgencyRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    # A file of the case's local review (a draft report the reviewer uploaded): read on the review's own pages,
    # where its policy decides who may have it (cspr/reviews/visibility.py), never in the case's lists.
    for_review = models.BooleanField(default=False)
    storage_name = models.CharField(max_length=200, unique=True)
    original_name = EncryptedCharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    description = EncryptedTextField(blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"Attachment {self.pk}"


class PanelSending(models.Model):
    """One sending to the national Panel after the notification: the rapid review with the partners' decision,
    or, after a challenge, the partners' justification (DOMAIN.md step 5).

    It fixes what the Panel was sent, so that the Panel, and anyone who reads the case later, reads exactly
    that and nothing added since: the rapid review report's Word and PDF as rendered when it was sent, the
    decision round it carried and the attachments that existed then. The report's bytes are encrypted with
    the field keys before they are stored (DESIGN.md rule 6) and are kept in the database, so sending and
    freezing commit together or not at all (rule 5). Written only by ``panel_sending_record``.
    """

    class Kind(models.TextChoices):
        RAPID_REVIEW = "rapid_review", "Rapid review and decision"
        JUSTIFICATION = "justification", "Partners' justification after a challenge"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="panel_sendings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="panel_sendings")
    sent_on = models.DateField(help_text="The date recorded as sent.")
    sent_at = models.DateTimeField(default=timezone.now, help_text="When the sending was recorded.")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    attachment_ids = models.JSONField(default=list, blank=True, help_text="The attachments that went with it.")
    report_docx = EncryptedBinaryField(blank=True, help_text="The report as sent, Word (encrypted at rest).")
    report_pdf = EncryptedBinaryField(blank=True, help_text="The report as sent, PDF (encrypted at rest).")
    report_docx_sha256 = models.CharField(max_length=64, blank=True)
    report_pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["decision", "kind"], name="panel_sending_unique_decision_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} sent {self.sent_on} for {self.case.reference}"


class CaseClock(models.Model):
    """One milestone's clock for one case, as ``cspr.timescales`` last computed it (DESIGN.md rule 8: due dates
    are read from the stored clocks, so a list of cases costs the same few queries however many there are).

    Written only by ``cspr.cases.clocks.clocks_recompute``, in the same transaction as whatever changed its
    inputs: a recorded event date, the case's state (which decides what is not required), or the
    partnership's calendar and timescale overrides (``cspr clocks recompute``). What depends on today (overdue,
    due soon, a minimum period run out) is not stored: it is derived from these dates when read, so a row
    never goes stale just because a day passed.
    """

    class Kind(models.TextChoices):
        DEADLINE = "deadline", "Deadline"
        MINIMUM_PERIOD = "minimum_period", "Minimum period"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks")
    milestone = models.CharField(max_length=60, help_text="The cspr.timescales milestone id, e.g. rapid-review.")
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DEADLINE)
    position = models.PositiveSmallIntegerField(default=0, help_text="The milestone's place in its process.")
    start = models.DateField(null=True, blank=True)
    statutory_due = models.DateField(null=True, blank=True)
    effective_due = models.DateField(null=True, blank=True, help_text="After pauses and extensions.")
    due_soon_from = models.DateField(
        null=True,
        blank=True,
        help_text="The first day the clock counts as due soon: the process's due-soon window in working days.",
    )
    met_on = models.DateField(null=True, blank=True)
    not_required = models.BooleanField(default=False)
    paused = models.BooleanField(default=False)
    breached = models.BooleanField(default=False, help_text="A minimum period that ended early.")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case_id", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "milestone"], name="case_clock_unique_milestone")]
        indexes = [
            models.Index(fields=["effective_due"], name="case_clock_due"),
            models.Index(fields=["milestone", "effective_due"], name="case_clock_milestone_due"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} {self.effective_due}"
