"""Forms for sign-in and people administration. Validation that is a business rule lives in services."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from cspr.partnerships.models import Organisation, Partnership, TaskEmails
from cspr.partnerships.roles import NATIONAL_ROLES, ROLE_CHOICES


class SignInForm(forms.Form):
    username = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
        max_length=16,
        error_messages={"required": "Enter the security code"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_otp_token(self) -> str:
        return "".join(self.cleaned_data["otp_token"].split()).lower()


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label="Create a password",
        help_text="At least 12 characters. A few unrelated words is a good password.",
        strip=False,
        error_messages={"required": "Enter a password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        error_messages={"required": "Confirm your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "The passwords do not match")
        return data


class InviteForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the person's full name"}
    )
    email = forms.EmailField(
        label="Work email address",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[c for c in ROLE_CHOICES if c[0] not in {r.value for r in NATIONAL_ROLES}],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person's role"},
    )
    organisation = forms.ModelChoiceField(
        label="Agency",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Needed for agency contributors and decision makers.",
        empty_label="Choose an agency",
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # ``fields`` holds each declared field as a plain Field: this one is the ModelChoiceField above.
        organisation = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        organisation.queryset = Organisation.objects.filter(partnership=partnership)


class OrganisationForm(forms.Form):
    name = forms.CharField(label="Agency name", max_length=200, error_messages={"required": "Enter the agency's name"})
    kind = forms.ChoiceField(
        label="Kind of agency",
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of agency"},
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, like 'Case system link'.",
        error_messages={"required": "Enter a name for the token"},
    )


class TaskEmailsForm(forms.Form):
    """How a person hears of what waits for them (issue 12). The service checks the choice again."""

    task_emails = forms.ChoiceField(
        label="How do you want to be told of new tasks?",
        choices=TaskEmails.choices,
        widget=forms.RadioSelect,
        help_text="The daily digest lists what is overdue, due soon and new. E-mails name the case's reference "
        "and the child's pseudonym only.",
        error_messages={
            "required": "Choose how you want to be told of new tasks",
            "invalid_choice": "Choose one of the ways listed",
        },
    )
