"""Cross-cutting state: server-side drafts of long forms (DESIGN.md rule 5, "nothing is lost"), and the record
of which task e-mails each person was sent (issue 12: sending twice sends nothing twice)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cspr.core.fields import EncryptedJSONField


class Draft(models.Model):
    """What a user had typed into a form, kept until they submit it.

    Written by the autosave script every few seconds and, without JavaScript, by the idle-timeout middleware
    when a form is posted after the session ended. The form's fields are encrypted: drafts hold narratives
    about children.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    key = models.CharField(max_length=300, help_text="The path of the form's page.")
    data = EncryptedJSONField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="draft_unique_per_user_and_form")]

    def __str__(self) -> str:
        return f"Draft {self.pk} of {self.key}"


class TaskNotice(models.Model):
    """A task (``cspr.core.registry.Task.key``) that a person has been told of, or that needed no telling.

    One row per person and task, written in the same transaction as the e-mail is sent, so a second run (two
    workers, ``cspr daily`` twice, a retried task) finds it and sends nothing twice. ``emailed`` is false for a
    task the person gave themself (the business manager who recorded the step), one its own service announced
    (an agency request's e-mail), or one that arrived while they chose the daily digest only: recorded all the
    same, so it is never announced later. Holds ids and the key only: no personal data (DESIGN.md rule 6).
    """

    class Channel(models.TextChoices):
        IMMEDIATE = "immediate", "E-mail when the task was given"
        DIGEST = "digest", "The daily digest"
        NONE = "none", "Not e-mailed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_notices")
    task_key = models.CharField(max_length=200)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "task_key"], name="task_notice_unique_per_person")]

    def __str__(self) -> str:
        return f"Task notice {self.task_key} ({self.channel})"


class TaskDigest(models.Model):
    """The daily digest sent to one person on one day: at most one (``cspr daily`` may run twice)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_digests")
    day = models.DateField()
    tasks = models.PositiveIntegerField(help_text="How many tasks it listed.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="task_digest_unique_per_person_day")]

    def __str__(self) -> str:
        return f"Task digest {self.day}"
