"""Cross-cutting state: server-side drafts of long forms (DESIGN.md rule 5, "nothing is lost")."""

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
