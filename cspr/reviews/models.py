"""The local child safeguarding practice review (DOMAIN.md steps 6 to 9), from commissioning to a signed-off
report ready to publish. One review per case; the case stays at "Local review to be carried out" while the
review moves through its own stages (``reviews.state``).

Narratives about the child and family (terms of reference, involvement, drafts, findings, requests to the
reviewer) are encrypted at rest (DESIGN.md rule 6); names of agencies, dates and statuses are not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cspr.core.fields import EncryptedJSONField, EncryptedTextField
from cspr.reviews.rules import METHODS, PARALLEL_PROCESSES


class ReviewState(models.TextChoices):
    COMMISSIONING = "commissioning", "Commissioning the reviewer"
    TERMS_AGREED = "terms_agreed", "Terms of reference agreed"
    IN_PROGRESS = "in_progress", "Review in progress"
    DRAFT_REPORT = "draft_report", "Draft report with the review group"
    SIGNED_OFF = "signed_off", "Final report signed off"
    READY_TO_PUBLISH = "ready_to_publish", "Ready to publish"
    PUBLISHED = "published", "Published"
    COMPLETED = "completed", "Completed: learning shared"


class ReviewKind(models.TextChoices):
    """The statutory local review, or the lighter multi-agency learning review (DOMAIN.md step 4), which uses the
    same building blocks with the timescales the partnership sets (england-learning-review.toml)."""

    LCSPR = "lcspr", "Local child safeguarding practice review"
    LEARNING = "learning", "Multi-agency learning review"


class LocalReview(models.Model):
    """The review of one case. ``reviewer`` is the commissioned reviewer: a person holding a reviewer
    membership of the partnership, who sees this review and nothing else of the case (DOMAIN.md, who sees what)."""

    class Conflict(models.TextChoices):
        NONE = "none", "None declared"
        DECLARED = "declared", "Declared, and managed"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="local_review")
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=30, choices=ReviewState.choices, default=ReviewState.COMMISSIONING)
    kind = models.CharField(max_length=20, choices=ReviewKind.choices, default=ReviewKind.LCSPR)
    decided_on = models.DateField(null=True, blank=True, help_text="The partners' decision to review.")
    opened_at = models.DateTimeField(default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews_commissioned"
    )
    competences = models.JSONField(default=dict, blank=True, help_text="{code: {answer, evidence}}.")
    conflict = models.CharField(max_length=20, choices=Conflict.choices, blank=True)
    conflict_management = EncryptedTextField(blank=True)
    commissioned_on = models.DateField(null=True, blank=True)
    commissioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_by = models.CharField(max_length=300, blank=True, help_text="Who in the assurance group signed off.")
    signed_off_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    learning_shared_on = models.DateField(null=True, blank=True, help_text="A learning review's learning shared.")
    learning_shared_how = models.TextField(blank=True, help_text="Briefings, 7-minute briefing, events.")
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "local review"

    def __str__(self) -> str:
        return f"Local review {self.pk}"

    @property
    def statutory(self) -> bool:
        """A local child safeguarding practice review (the national bodies told, the six-month clock, the copies
        7 working days before publication); a learning review is not."""
        return self.kind == ReviewKind.LCSPR


class ReviewNotice(models.Model):
    """Telling the Panel, Ofsted and the DfE that a review will happen, with the reviewer's name (step 6)."""

    review = models.ForeignKey(LocalReview, on_delete=models.CASCADE, related_name="notices")
    recipients = models.JSONField(default=list)
    sent_on = models.DateField()
    text = EncryptedTextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"Notice {self.pk}"


class TermsOfReference(models.Model):
    """One version of the terms of reference. A change makes a new version; the old ones stay readable."""

    review = models.ForeignKey(LocalReview, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveIntegerField()
    period_from = models.DateField()
    period_to = models.DateField()
    lines_of_enquiry = EncryptedTextField()
    agencies = models.TextField(help_text="Agencies involved, one a line.")
    other_partnerships = models.TextField(blank=True)
    method = models.CharField(max_length=30, choices=METHODS)
    child_and_family = EncryptedTextField(help_text="How the child's perspective and family context are covered.")
    agreed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="terms_version_unique")]

    def __str__(self) -> str:
        return f"Terms of reference, version {self.number}"


class Briefing(models.Model):
    """The briefing session for the agencies (step 7)."""

    review = models.ForeignKey(LocalReview, on_delete=models.CASCADE, related_name="briefings")
    held_on = models.DateField()
    attended = models.TextField(help_text="Who came: agencies and roles, one a line.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Briefing {self.pk}"


class ParallelProcess(models.Model):
    """A process running beside the review (step 7). One that places a publication hold pauses the six-month
    clock from ``hold_from`` until the hold is lifted (``hold_until``, the last day held)."""

    class Status(models.TextChoices):
        ONGOING = "ongoing", "Ongoing"
        CONCLUDED = "concluded", "Concluded"

    review = models.ForeignKey(LocalReview, on_delete=models.CASCADE, related_name="processes")
    kind = models.CharField(max_length=50, choices=PARALLEL_PROCESSES)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ONGOING)
    lead_contact = models.CharField(max_length=200)
    expected_on = models.DateField(null=True, blank=True, help_text="When it is expected to conclude.")
    notes = EncryptedTextField(blank=True)
    hold_from = models.DateField(null=True, blank=True)
    hold_until = models.DateField(null=True, blank=True)
    hold_reason = models.TextField(blank=True)
    hold_approved_by = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hold_from__isnull=False) | Q(hold_until__isnull=True), name="hold_lifted_only_if_placed"
            ),
            models.CheckConstraint(
                condition=Q(hold_until__isnull=True) | Q(hold_until__gte=models.F("hold_from")),
                name="hold_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"

    @property
    def hold_in_force(self) -> bool:
        return self.hold_from is not None and self.hold_until is None


class Delay(models.Model):
    """A delay to the six-month clock: requested with reasons, approved (or refused) by the leadership group,
    and its notification to the Panel and the Secretary of State recorded (step 9)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for the leadership group"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    review = models.ForeignKey(LocalReview, on_delete=models.CASCADE, related_name="delays")
    reason = models.TextField()
    new_due = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.CharField(max_length=200, blank=True, help_text="Who in the leadership group decided.")
    decision_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    panel_notified_on = models.DateField(null=True, blank=True)
    secretary_of_state_notified_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"Delay to {self.new_due}"


class Involvement(models.Model):
    """A practitioner learning event, or a family member's part in the review (step 7), dated and attributed."""

    class Kind(models.TextChoices):
        PRACTITIONER_EVENT = "practitioner_event", "Practitioner learning event"
        FAMILY = "family", "Family involvement"

    class Participation(models.TextChoices):
        INVITED = "invited", "Invited"
        TOOK_PART = "took_part", "Took part"
        DECLINED = "declined", "Declined"

    review = models.ForeignKey(LocalReview, on_delete=models.CASCADE, related_name="involvement")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    on = models.DateField()
    agencies = models.TextField(blank=True)
    attending = models.PositiveIntegerField(null=True, blank=True)
    family_member = models.CharField(max_length=100, blank=True, help_text="As the report names them: Mother.")
    participation = models.CharField(max_length=20, choices=Participation.choices, blank=True)
    views_included = EncryptedTextField(blank=True, help_text="How their views were included.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"


class Checkpoint(models.Model):
    """The partners' supervision of progress and quality at regular intervals (step 7)."""

    review = models.ForeignKey(LocalReview, on_delete=models.CASCADE, related_name="checkpoints")
    held_on = models.DateField()
    progress = EncryptedTextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Checkpoint {self.pk}"


class WrittenRequest(models.Model):
    """A request to the reviewer, made in writing as Working Together asks (step 7), and the reviewer's answer."""

    review = models.ForeignKey(LocalReview, on_delete=models.CASCADE, related_name="written_requests")
    question = EncryptedTextField()
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = EncryptedTextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"Written request {self.pk}"


class ReportVersion(models.Model):
    """One version of the report: a draft for the review group's comments, or the final report with its
    findings and recommendations. A signed-off version is never changed: a change makes a new version."""

    review = models.ForeignKey(LocalReview, on_delete=models.CASCADE, related_name="report_versions")
    number = models.PositiveIntegerField()
    final = models.BooleanField(default=False)
    text = EncryptedTextField(blank=True)
    findings = EncryptedTextField(blank=True, help_text="The analysis of systemic or underlying reasons.")
    file = models.ForeignKey(
        "cases.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The draft as a file (a Word document or PDF), through the upload gate.",
    )  # fmt: skip
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="report_version_unique")]

    def __str__(self) -> str:
        return f"Report, version {self.number}"


class DraftComment(models.Model):
    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="comments")
    text = EncryptedTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"Comment {self.pk}"


class Recommendation(models.Model):
    """What must change, who owns it and by when (step 8): the action plan of the learning stage starts here."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveIntegerField()
    what = EncryptedTextField(help_text="What must change.")
    owner = models.CharField(max_length=200, help_text="The agency or partnership that owns it.")
    due_on = models.DateField()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="recommendation_number_unique")]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"


class NationalReview(models.Model):
    """The Panel's national review of a case (Working Together 2023 ch.5: the Panel decides whether it carries
    out a national review), and the partnership's cooperation with it: what the Panel asked and what was sent.
    It opens when the case enters "National review by the Panel", so the case is not a dead end."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="national_review")
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"National review {self.pk}"


class NationalReviewExchange(models.Model):
    """One request from the Panel, or one sending of information to it, dated and attributed."""

    class Kind(models.TextChoices):
        PANEL_REQUEST = "panel_request", "Request from the Panel"
        INFORMATION_SENT = "information_sent", "Information sent to the Panel"

    national_review = models.ForeignKey(NationalReview, on_delete=models.CASCADE, related_name="exchanges")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    on = models.DateField()
    what = EncryptedTextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


# --- publishing safely (DOMAIN.md step 10) ---------------------------------------------------------------------


class Publication(models.Model):
    """The plan for publishing a signed-off report, and its record once published (DOMAIN.md step 10).

    The full report goes to the Panel, the Secretary of State and Ofsted (``PublicationCopy``) at least 7 working
    days before publication (Regulations 2018, Part 3). What is published is the full report or, where that is
    inappropriate, only the improvements to be made, with the justification sent to the Panel and the Secretary
    of State. The text to publish (``blocks``) is taken from the signed-off version, checked for personal data
    (``RedactionFinding``) and published as a PDF cspr writes from the redacted text; a report that cannot be
    read that way is published as it is only on a named person's declaration."""

    class Mode(models.TextChoices):
        FULL = "full", "The full report"
        IMPROVEMENTS = "improvements", "Only the improvements to be made"

    class Source(models.TextChoices):
        TEXT = "text", "The report's text, redacted in cspr"
        AS_IS = "as_is", "The report file as it is, on a named person's declaration"

    review = models.OneToOneField(LocalReview, on_delete=models.CASCADE, related_name="publication")
    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=20, choices=Mode.choices)
    justification = EncryptedTextField(blank=True, help_text="Why the full report is not published.")
    title = models.CharField(max_length=300)
    reviewer_name = models.CharField(max_length=200, help_text="The published report includes the reviewer's name.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.TEXT)
    blocks = EncryptedJSONField(default=list, help_text="The text to publish, before redaction: [{kind, text, level}].")
    not_redactable = models.TextField(blank=True, help_text="Why the report's text could not be read for redaction.")
    declared_by = models.CharField(max_length=200, blank=True)
    declared_role = models.CharField(max_length=200, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    planned_on = models.DateField(null=True, blank=True)
    redaction_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    redaction_checked_at = models.DateTimeField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    public_until = models.DateField(null=True, blank=True, help_text="On the website at least until this date.")
    library_report_id = models.PositiveIntegerField(null=True, blank=True)
    # What the public downloads: the PDF cspr wrote from the redacted text, or the declared file. Public once
    # published, so kept as it is, in the same transaction as the publication (nothing half-written).
    published_file = models.BinaryField(null=True, blank=True, editable=False)
    published_file_name = models.CharField(max_length=200, blank=True)
    published_content_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Publication of review {self.review_id}"


class PublicationCopy(models.Model):
    """A copy of the report (or the improvements, or the justification) sent to a national body, with the date
    and how (DOMAIN.md step 10). The Panel's, the Secretary of State's and Ofsted's come before publication;
    the NSPCC repository's at publication meets the ``nspcc-copy`` milestone."""

    class Recipient(models.TextChoices):
        PANEL = "panel", "The Child Safeguarding Practice Review Panel"
        SECRETARY_OF_STATE = "secretary_of_state", "The Secretary of State for Education"
        OFSTED = "ofsted", "Ofsted"
        NSPCC = "nspcc", "The NSPCC national case review repository"

    class What(models.TextChoices):
        FULL_REPORT = "full_report", "The full report"
        IMPROVEMENTS = "improvements", "The improvements to be made"
        JUSTIFICATION = "justification", "The justification for not publishing the full report"
        PUBLISHED = "published", "The published report"

    class How(models.TextChoices):
        SECURE_EMAIL = "secure_email", "Secure e-mail"
        PORTAL = "portal", "The recipient's upload portal"
        POST = "post", "Recorded post"
        OTHER = "other", "Another way"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="copies")
    recipient = models.CharField(max_length=30, choices=Recipient.choices)
    what = models.CharField(max_length=30, choices=What.choices)
    sent_on = models.DateField()
    how = models.CharField(max_length=30, choices=How.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_what_display()} to {self.get_recipient_display()}"


class PseudonymEntry(models.Model):
    """The case's pseudonym register: what the published text says instead of a real name or detail ("Child Q",
    "Mother", "Sibling 1", "[address]"). Entries from the case's own records are added by cspr; the business
    manager adds family members, schools and addresses the case holds nowhere else. The real value is encrypted."""

    class Category(models.TextChoices):
        NAME = "name", "A child's name"
        OTHER_NAME = "other_name", "Another name the child is known by"
        DATE_OF_BIRTH = "date_of_birth", "A date of birth"
        FAMILY_MEMBER = "family_member", "A family member or other person"
        ADDRESS = "address", "An address or place"
        SCHOOL = "school", "A school or setting"
        REFERENCE = "reference", "A case reference"
        OTHER = "other", "Something else"

    review = models.ForeignKey(LocalReview, on_delete=models.CASCADE, related_name="pseudonyms")
    category = models.CharField(max_length=30, choices=Category.choices)
    value = EncryptedTextField()
    replacement = models.CharField(max_length=100)
    from_case = models.BooleanField(default=False, help_text="Taken from the case's own records by cspr.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Pseudonym {self.replacement}"


class RedactionFinding(models.Model):
    """A piece of possible personal data in the text to publish, shown in its sentence for a person to accept
    (replace it) or reject (keep it). The log of who decided what is this table with the audit trail. The
    matched text and its sentence are personal data, so they are encrypted."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Not decided"
        ACCEPTED = "accepted", "Replace it"
        REJECTED = "rejected", "Keep it"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField()
    block = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = EncryptedTextField()
    sentence = EncryptedTextField()
    category = models.CharField(max_length=30)
    source = models.CharField(max_length=20, help_text="case, pattern or names")
    replacement = models.CharField(max_length=100)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["publication", "number"], name="finding_number_unique")]

    def __str__(self) -> str:
        return f"Finding {self.number}"


class ReportRequest(models.Model):
    """A member of the public asking for a report that has been on the website for its year and is now available
    on request (DOMAIN.md step 10). It reaches the business manager; their contact details are encrypted."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="requests")
    name = EncryptedTextField()
    email = EncryptedTextField()
    reason = EncryptedTextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "pk"]

    def __str__(self) -> str:
        return f"Request {self.pk}"
