"""Learning and improvement (DOMAIN.md step 11): each recommendation of a signed-off review becomes actions, with
what will be done, the owning agency and a named owner, a due date, and how success is measured (indicator,
baseline, target, re-audit date). Agencies attach evidence through the upload gate; the business manager or the
assurance group accepts it or sends it back with reasons; re-audit results are recorded against the indicator;
a recommendation closes with all its actions closed and an impact statement ("demonstrable impact").

What will be done, evidence notes and impact statements can name families and practitioners: encrypted at rest
(DESIGN.md rule 6). Dates, states and figures are not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cspr.core.fields import EncryptedTextField


class ActionState(models.TextChoices):
    OPEN = "open", "Open"
    EVIDENCE_SUBMITTED = "evidence_submitted", "Evidence waiting to be accepted"
    CLOSED = "closed", "Closed"


class Action(models.Model):
    recommendation = models.ForeignKey("reviews.Recommendation", on_delete=models.PROTECT, related_name="actions")
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    what = EncryptedTextField(help_text="What will be done.")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learning_actions")
    due_on = models.DateField()
    indicator = models.CharField(max_length=300, help_text="How success is measured.")
    unit = models.CharField(max_length=40, blank=True, help_text="What the figures count: %, days, cases.")
    baseline = models.DecimalField(max_digits=12, decimal_places=2)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    reaudit_on = models.DateField(help_text="When the indicator is measured again.")
    state = models.CharField(max_length=30, choices=ActionState.choices, default=ActionState.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"Action {self.pk}"


class Evidence(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting to be accepted"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Sent back"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    note = EncryptedTextField(help_text="What was done and what the evidence shows.")
    file = models.ForeignKey("cases.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    reason = EncryptedTextField(blank=True, help_text="Why it was sent back.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"Evidence {self.pk}"


class ImpactResult(models.Model):
    """A re-audit's result against the action's indicator (issue 15, item 2)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="results")
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measured_on", "pk"]

    def __str__(self) -> str:
        return f"Result {self.pk}"


class RecommendationClosure(models.Model):
    """A recommendation closed: every action closed, and the impact statement the yearly report draws on."""

    recommendation = models.OneToOneField("reviews.Recommendation", on_delete=models.PROTECT, related_name="closure")
    impact_statement = EncryptedTextField()
    closed_on = models.DateField()
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Closure of recommendation {self.recommendation_id}"
