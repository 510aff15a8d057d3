"""Forms for the case pages. They shape input; the rules live in the services (DESIGN.md rule 2)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from cspr.cases.models import Child, FamilyCommunication, Notification, PanelResponse, Referral, ReviewOption
from cspr.cases.rules.regulation11 import CIRCUMSTANCES, CRITERIA
from cspr.cases.services.rr_audit import CHECKLIST, SCORES
from cspr.partnerships.models import Organisation, User
from cspr.web.formhelpers import GovukDateField

YES_NO = [("yes", "Yes"), ("no", "No")]


def _text(label: str, required: bool = True, help_text: str = "", rows: int = 5, message: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or f"Enter {label[0].lower()}{label[1:]}"},
    )


def _date(label: str, required: bool = True, help_text: str = "", noun: str = "date") -> GovukDateField:
    return GovukDateField(
        label=label,
        required=required,
        help_text=help_text or "For example, 27 3 2026",
        label_noun=noun,
        error_messages={"required": f"Enter the {noun}"},
    )


class VersionedForm(forms.Form):
    """Carries the version the page was read at, so a stale save is refused (DESIGN.md rule 5)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReferralForm(forms.Form):
    partnership = forms.ChoiceField(
        label="Which partnership are you referring to?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the partnership"},
    )
    incident_date = _date(
        "When did the incident happen?",
        required=False,
        noun="date of the incident",
        help_text="If you know it. For example, 27 3 2026",
    )
    who_was_harmed = _text(
        "Which child or children were harmed?",
        help_text="Names, ages and where they live.",
        rows=3,
        message="Say which child or children were harmed",
    )
    what_happened = _text("What happened?", message="Describe what happened")
    agency_knowledge = _text("What did your agency know about the child and family?", required=False)
    why_criteria_met = _text(
        "Why do you think this should be considered for a review?",
        required=False,
        help_text="For example, abuse or neglect is known or suspected and the child died or was "
        "seriously harmed, or agencies did not work well together.",
    )

    def __init__(self, *args: Any, partnerships: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # ``fields`` holds each declared field as a plain Field: this one is the ChoiceField above.
        cast(forms.ChoiceField, self.fields["partnership"]).choices = partnerships
        if len(partnerships) == 1:
            self.fields["partnership"].initial = partnerships[0][0]
            self.fields["partnership"].widget = forms.HiddenInput()


class ScreeningForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happens to this referral?",
        widget=forms.RadioSelect,
        choices=[c for c in Referral.Outcome.choices if c[0] != "pending"],
        error_messages={"required": "Choose what happens to the referral"},
    )
    reasons = _text("Reasons", message="Give the reasons for the screening decision")


class NewNotificationForm(forms.Form):
    summary = _text("What happened, in brief", rows=3, message="Describe what happened, in brief")


class NotificationForm(VersionedForm):
    nature = forms.ChoiceField(
        label="What happened to the child?",
        widget=forms.RadioSelect,
        choices=Notification.Nature.choices,
        required=False,
    )
    abuse_or_neglect = forms.ChoiceField(
        label="Is abuse or neglect known or suspected?",
        widget=forms.RadioSelect,
        choices=Notification.AbuseOrNeglect.choices,
        required=False,
    )
    in_area = forms.ChoiceField(
        label="Did it happen in your local authority's area?", widget=forms.RadioSelect, choices=YES_NO, required=False
    )
    resident_harmed_outside_england = forms.BooleanField(
        label="The child normally lives in your area and was harmed outside England", required=False
    )
    looked_after_child_death = forms.BooleanField(label="The child was looked after and has died", required=False)
    care_leaver_death = forms.BooleanField(label="The young person was a care leaver and has died", required=False)
    care_leaver_age = forms.IntegerField(
        label="Care leaver's age when they died", required=False, min_value=0, max_value=30, widget=forms.NumberInput
    )
    incident_date = _date("Date of the incident", required=False, noun="date of the incident")
    incident_time = forms.TimeField(
        label="Time of the incident",
        required=False,
        help_text="For example, 14:30",
        widget=forms.TextInput,
        error_messages={"invalid": "Enter a time like 14:30"},
    )
    place = _text("Where did it happen?", required=False, rows=2)
    la_where_happened = forms.CharField(label="Local authority where it happened", required=False, max_length=200)
    la_became_aware = _date(
        "When did the local authority become aware?",
        required=False,
        noun="date the local authority became aware",
        help_text="The 5 working days to notify the Panel count from this date.",
    )
    agencies_involved = _text("Agencies known to be involved", required=False, rows=3)
    linked_cases = _text("Linked cases and siblings", required=False, rows=2)
    description = _text(
        "Description for the national form",
        required=False,
        rows=8,
        help_text="What happened, what was known before, and any immediate concerns for other children.",
    )
    notifier_name = forms.CharField(label="Notifier's name", required=False, max_length=200)
    notifier_role = forms.CharField(label="Notifier's role", required=False, max_length=200)
    notifier_email = forms.EmailField(
        label="Notifier's email",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.gov.uk"},
    )

    def clean_in_area(self) -> bool | None:
        value = self.cleaned_data.get("in_area")
        return {"yes": True, "no": False}.get(value or "")


class ChildForm(forms.Form):
    """One child of the notification (the page shows up to 4, named child-1 ... child-4)."""

    name = forms.CharField(label="Full name", required=False, max_length=200)
    other_names = forms.CharField(label="Other names used", required=False, max_length=500)
    date_of_birth = _date("Date of birth", required=False, noun="date of birth", help_text="For example, 31 3 2019")
    sex = forms.ChoiceField(label="Sex", choices=Child.Sex.choices, required=False, widget=forms.RadioSelect)
    ethnicity = forms.CharField(label="Ethnicity", required=False, max_length=120)
    disability = forms.CharField(label="Disability", required=False, max_length=500)
    legal_status = forms.ChoiceField(
        label="Legal status", choices=Child.LegalStatus.choices, required=False, widget=forms.RadioSelect
    )
    la_of_residence = forms.CharField(label="Local authority where the child lives", required=False, max_length=200)


class NotificationCorrectionForm(NotificationForm):
    """A correction after the notification was sent: every detail as it should be, and why (defect 8)."""

    reason = forms.CharField(
        label="Why is the notification being corrected?",
        help_text="The Panel is told about the correction and reads this. The notification as first sent is kept.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NotificationSentForm(forms.Form):
    sent_on = _date("When was the notification sent to the Panel?", noun="date sent")
    panel_reference = forms.CharField(
        label="Panel's reference",
        max_length=60,
        error_messages={"required": "Enter the reference the Panel gave the notification"},
    )
    partners_informed_on = _date(
        "When were the safeguarding partners told?", required=False, noun="date the partners were told"
    )
    late_reason = _text("If it was sent after the due date, why?", required=False, rows=3)


class RapidReviewForm(VersionedForm):
    meeting_date = _date("Date of the review meeting", required=False, noun="date of the review meeting")
    good_practice = _text("Good practice", required=False)
    learning_so_far = _text("Learning so far and what could be improved", required=False)
    learning_shared = _text("Learning shared so far, and how", required=False, rows=3)
    family_context = _text(
        "The family's context",
        required=False,
        help_text="Including race, culture, faith, language and disability, and what they meant "
        "for the child's experience and for services.",
    )
    family_views = _text("The family's views", required=False, rows=3)
    practitioner_views = _text("Practitioners' views", required=False, rows=3)
    recommendation = forms.ChoiceField(
        label="Recommendation", widget=forms.RadioSelect, required=False, choices=ReviewOption.choices
    )
    recommendation_reasons = _text("Reasons for the recommendation", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in CRITERIA + CIRCUMSTANCES:
            self.fields[f"criterion_{code}_answer"] = forms.ChoiceField(
                label=label,
                widget=forms.RadioSelect,
                required=False,
                choices=[("yes", "Yes"), ("no", "No"), ("maybe", "Maybe")],
            )
            self.fields[f"criterion_{code}_reasons"] = forms.CharField(
                label="Reasons", required=False, widget=forms.Textarea(attrs={"rows": 3})
            )

    def criteria(self) -> dict[str, dict[str, str]]:
        return {
            code: {
                "answer": self.cleaned_data.get(f"criterion_{code}_answer") or "",
                "reasons": self.cleaned_data.get(f"criterion_{code}_reasons") or "",
            }
            for code, _ in CRITERIA + CIRCUMSTANCES
        }


class AgencyRequestForm(forms.Form):
    # The view sets each queryset to the case's partnership's agencies and contributors.
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Agency",
        queryset=None,
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency"},
    )
    contributor: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Who should answer?",
        queryset=None,
        empty_label="Choose a contributor",
        help_text="Agency contributors of this partnership.",
        error_messages={"required": "Choose who should answer"},
    )
    shared_facts = _text(
        "What they need to know about the case",
        rows=4,
        help_text="They see only this and your questions, not the rest of the case.",
        message="Say what the contributor needs to know about the case",
    )
    questions = _text("Questions", required=False, rows=4)
    due_date = _date(
        "Due by", required=False, noun="due date", help_text="Leave blank for working day 10 of the rapid review."
    )


class EpisodeForm(forms.Form):
    date = _date("Date", noun="date of the episode")
    agency = forms.CharField(label="Agency", max_length=200, error_messages={"required": "Enter the agency involved"})
    what_happened = _text("What happened", message="Describe what happened")
    analysis = _text("Analysis", required=False, help_text="What does this episode show about practice and the system?")


class ImmediateActionForm(forms.Form):
    action = _text("Action taken to keep children safe", rows=3, message="Describe the action taken")
    by_whom = forms.CharField(
        label="Who took it", max_length=200, error_messages={"required": "Say who took the action"}
    )
    done_on = _date("When", required=False, noun="date of the action")


class EpisodeEditForm(EpisodeForm):
    """Changing an episode: carries the fingerprint of the episode as read, so a stale save is refused."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)


class ImmediateActionEditForm(ImmediateActionForm):
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class VoteForm(forms.Form):
    option = forms.ChoiceField(
        label="What should the partnership do?",
        widget=forms.RadioSelect,
        choices=ReviewOption.choices,
        error_messages={"required": "Choose what the partnership should do"},
    )
    rationale = _text("Your reasons", message="Give the reasons for your vote")


class AdviceForm(forms.Form):
    advice = _text("Your advice to the decision makers", rows=6, message="Enter your advice")


class MajorityForm(forms.Form):
    rationale = _text(
        "Rationale for the decision",
        rows=5,
        message="Record the rationale for the decision",
        help_text="This is what the family and the Panel will be told.",
    )


class FamilyForm(forms.Form):
    told_on = _date("When was the family told?", noun="date the family was told")
    method = forms.ChoiceField(
        label="How?",
        widget=forms.RadioSelect,
        choices=FamilyCommunication.Method.choices,
        error_messages={"required": "Choose how the family was told"},
    )
    told_by = forms.CharField(
        label="Who told them?",
        max_length=200,
        help_text="Name and role, e.g. the family's social worker.",
        error_messages={"required": "Enter who told the family"},
    )
    notes = _text("Notes", required=False, rows=3)


class SentForm(forms.Form):
    sent_on = _date("When were the rapid review and decision sent to the Panel?", noun="date sent")


class JustificationForm(forms.Form):
    justification = _text(
        "The partners' justification for the Panel", rows=8, message="Write the partners' justification for the Panel"
    )


class PanelResponseForm(forms.Form):
    response = forms.ChoiceField(
        label="The Panel's response",
        widget=forms.RadioSelect,
        choices=PanelResponse.Response.choices,
        error_messages={"required": "Choose whether the Panel agrees or challenges"},
    )
    reasons = _text("Reasons", required=False, help_text="Needed for a challenge.")
    national_review = forms.ChoiceField(
        label="Will the Panel carry out a national review?",
        widget=forms.RadioSelect,
        choices=PanelResponse.NationalReview.choices,
        error_messages={"required": "Say whether the Panel will carry out a national review"},
    )
    responded_on = _date("Date of the response", noun="date of the response")


class PanelFilterForm(forms.Form):
    partnership = forms.ChoiceField(label="Partnership", required=False)
    age_band = forms.ChoiceField(label="Age", required=False)
    nature = forms.ChoiceField(
        label="Incident", required=False, choices=[("", "Any"), *list(Notification.Nature.choices)]
    )
    state = forms.ChoiceField(label="Stage", required=False)
    overdue = forms.BooleanField(label="Only rapid reviews sent late or overdue", required=False)


class AuditCreateForm(forms.Form):
    period_start = _date("Start of the period", noun="start of the period")
    period_end = _date("End of the period", noun="end of the period")
    sample_size = forms.IntegerField(
        label="How many rapid reviews to sample",
        min_value=1,
        max_value=50,
        initial=5,
        widget=forms.NumberInput,
        error_messages={
            "required": "Enter how many to sample",
            "min_value": "Sample at least 1",
            "max_value": "Sample at most 50",
        },
    )


class AuditScoreForm(forms.Form):
    comment = _text("Comment", required=False, rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in CHECKLIST:
            self.fields[f"score_{key}"] = forms.ChoiceField(
                label=label,
                widget=forms.RadioSelect,
                choices=list(SCORES.items()),
                error_messages={"required": "Choose met, partly met or not met"},
            )


class AuditCompleteForm(forms.Form):
    overall_comment = _text("Overall findings for the assurance group", required=False)


class PublicationForm(forms.Form):
    """Publishing the local review's final report (DOMAIN.md step 10): it enters the public library."""

    file = forms.FileField(
        label="The final report, as published",
        help_text="A PDF or Word document (.docx), smaller than 20MB. It goes into the public library.",
        error_messages={"required": "Select the final report"},
    )
    title = forms.CharField(
        label="Title of the report",
        required=False,
        max_length=300,
        help_text="If you leave it blank: the child's pseudonym, then 'local child safeguarding practice review'.",
    )
    sent_to_panel_on = _date(
        "When was the full report sent to the Panel and the Secretary of State?",
        noun="date the report was sent",
        help_text="At least 7 working days before publication. For example, 27 3 2026",
    )
    published_on = _date("When was the report published?", noun="publication date")
    reviewer = forms.CharField(
        label="Reviewer's name",
        max_length=200,
        help_text="The published report includes the name of the reviewer.",
        error_messages={"required": "Enter the name of the reviewer, which the published report includes"},
    )
    anonymised = forms.BooleanField(
        label="I confirm that the report is anonymised, so that publishing it harms no child or vulnerable adult",
        error_messages={"required": "Confirm that the report is anonymised so that publishing it harms no child"},
    )
