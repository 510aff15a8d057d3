"""A case's life, from referral to decision (DOMAIN.md, the chain). Personal data is encrypted at rest;
lists and URLs use the case reference and the child's pseudonym only (DESIGN.md rule 6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cspr.core.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField


class CaseState(models.TextChoices):
    REFERRED = "referred", "Referral being screened"
    NOTIFICATION = "notification", "Notification being prepared"
    NOTIFIED = "notified", "Notified to the Panel"
    RAPID_REVIEW = "rapid_review", "Rapid review in progress"
    DECISION = "decision", "Decision being made"
    SENT_TO_PANEL = "sent_to_panel", "Rapid review sent to the Panel"
    PANEL_CHALLENGED = "panel_challenged", "Panel challenged the decision"
    LOCAL_REVIEW = "local_review", "Local review to be carried out"
    NATIONAL_REVIEW = "national_review", "National review by the Panel"
    LEARNING_REVIEW = "learning_review", "Multi-agency learning review"
    NO_REVIEW = "no_review", "No further review"
    CLOSED = "closed", "Closed"


class Case(models.Model):
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=40, help_text="The partnership's case reference, e.g. CSPR-2026-004.")
    pseudonym = models.CharField(max_length=60, help_text="How lists and reports name the child, e.g. Child Q.")
    state = models.CharField(max_length=30, choices=CaseState.choices, default=CaseState.REFERRED)
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
    """A child named in a case (a notification covers up to 4). Identifying fields are encrypted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveSmallIntegerField(default=1)
    pseudonym = models.CharField(max_length=60)
    name = EncryptedCharField(max_length=200)
    other_names = EncryptedTextField(blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    age_band = models.CharField(max_length=20, blank=True, help_text="Kept plain so the Panel can filter by age.")

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
