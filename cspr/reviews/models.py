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

from cspr.core.fields import EncryptedTextField
from cspr.reviews.rules import METHODS, PARALLEL_PROCESSES


class ReviewState(models.TextChoices):
    COMMISSIONING = "commissioning", "Commissioning the reviewer"
    TERMS_AGREED = "terms_agreed", "Terms of reference agreed"
    IN_PROGRESS = "in_progress", "Review in progress"
    DRAFT_REPORT = "draft_report", "Draft report with the review group"
    SIGNED_OFF = "signed_off", "Final report signed off"
    READY_TO_PUBLISH = "ready_to_publish", "Ready to publish"


class LocalReview(models.Model):
    """The review of one case. ``reviewer`` is the commissioned reviewer: a person holding a reviewer
    membership of the partnership, who sees this review and nothing else of the case (DOMAIN.md, who sees what)."""

    class Conflict(models.TextChoices):
        NONE = "none", "None declared"
        DECLARED = "declared", "Declared, and managed"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="local_review")
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=30, choices=ReviewState.choices, default=ReviewState.COMMISSIONING)
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
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "local review"

    def __str__(self) -> str:
        return f"Local review {self.pk}"


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
