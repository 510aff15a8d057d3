"""Forms for the action plan pages. They shape input; the rules live in the services (DESIGN.md rule 2)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from cspr.cases.forms import _date, _text
from cspr.partnerships.models import Organisation, User


class ActionForm(forms.Form):
    what = _text("What will be done", rows=3, message="Enter what will be done")
    organisation = forms.ChoiceField(
        label="Agency that owns it", error_messages={"required": "Choose the agency that owns the action"}
    )
    owner = forms.ChoiceField(label="Named owner", error_messages={"required": "Choose the named owner"})
    due_on = _date("Date it is due", noun="date it is due")
    indicator = forms.CharField(
        label="How success will be measured",
        max_length=300,
        help_text="The indicator, for example: share of strategy discussions with police present.",
        error_messages={"required": "Say how success will be measured"},
    )
    unit = forms.CharField(label="Unit (optional)", required=False, max_length=40, help_text="For example, %.")
    baseline = forms.CharField(label="Baseline", max_length=20, error_messages={"required": "Enter the baseline"})
    target = forms.CharField(label="Target", max_length=20, error_messages={"required": "Enter the target"})
    reaudit_on = _date("Date of the re-audit", noun="date of the re-audit")

    def __init__(self, *args: Any, organisations: list[Organisation], people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget = forms.Select()
        self.fields["owner"].widget = forms.Select()
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [("", "Choose an agency")] + [
            (str(o.pk), o.name) for o in organisations
        ]
        cast(forms.ChoiceField, self.fields["owner"]).choices = [("", "Choose a person")] + [
            (str(u.pk), u.full_name or u.email) for u in people
        ]


class EvidenceForm(forms.Form):
    note = _text(
        "What was done, and what the evidence shows", rows=4, message="Say what was done and what the evidence shows"
    )
    file = forms.FileField(label="Evidence file (optional)", required=False, help_text="A PDF, Word document or image.")


class DecisionForm(forms.Form):
    accepted = forms.ChoiceField(
        label="Your decision",
        choices=[("yes", "Accept the evidence and close the action"), ("no", "Send it back to the agency")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept the evidence or send it back"},
    )
    reason = _text("If sent back: what is needed", required=False, rows=3)


class ResultForm(forms.Form):
    measured_on = _date("Date it was measured", noun="date it was measured")
    value = forms.CharField(label="Result", max_length=20, error_messages={"required": "Enter the result"})
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)


class CloseForm(forms.Form):
    impact_statement = _text(
        "Impact statement",
        rows=5,
        help_text="What changed for children, and the evidence that shows it.",
        message="Enter the impact statement: what changed, and the evidence",
    )
    closed_on = _date("Date it was closed", noun="date it was closed")
