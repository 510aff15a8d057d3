"""Forms for the review pages. They shape input; the rules live in the services (DESIGN.md rule 2)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from cspr.cases.forms import _date, _text
from cspr.cases.models import AgencyRequest
from cspr.partnerships.models import Organisation, User
from cspr.reviews.models import Involvement, PseudonymEntry, Publication, PublicationCopy
from cspr.reviews.rules import COMPETENCES, METHODS, NOTICE_RECIPIENTS, PARALLEL_PROCESSES

YES_NO = [("yes", "Yes"), ("no", "No")]
RECOMMENDATION_ROWS = 5  # the final report's form offers five; a report with more adds them in a new version


def _choice(
    label: str, choices: list[tuple[str, str]] | tuple[tuple[str, str], ...], message: str, radio: bool = True
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=list(choices),
        widget=forms.RadioSelect if radio else forms.Select,
        error_messages={"required": message},
    )


class CommissionForm(forms.Form):
    reviewer = forms.ChoiceField(
        label="Reviewer",
        help_text="A person with a reviewer membership of this partnership. Invite them from People first.",
        error_messages={"required": "Choose the reviewer"},
    )
    commissioned_on = _date("Date the reviewer was commissioned", noun="date the reviewer was commissioned")
    conflict = _choice(
        "Any real or perceived conflict of interest",
        [("none", "None declared"), ("declared", "Declared")],
        "Say whether the reviewer declared a conflict of interest",
    )
    conflict_management = _text("If declared, how it is managed", required=False, rows=3)

    def __init__(self, *args: Any, reviewers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["reviewer"]).choices = [("", "Choose a reviewer")] + [
            (str(u.pk), u.full_name or u.email) for u in reviewers
        ]
        self.fields["reviewer"].widget = forms.Select()
        for code, label in COMPETENCES:
            # Each check's error and its evidence box name the check: five "Answer yes or no" messages in the
            # error summary, or five boxes all called "Evidence", would not say which one is meant.
            what = f"{label[0].lower()}{label[1:]}"
            self.fields[f"competence_{code}"] = _choice(label, YES_NO, f"Answer yes or no: {what}")
            self.fields[f"competence_{code}_evidence"] = _text(
                f"Evidence of {what}", required=False, rows=2, help_text="What shows the reviewer has this."
            )
        # The order the page asks in: the person, then each check with its evidence, then the declaration.
        order = ["reviewer", "commissioned_on"]
        for code, _ in COMPETENCES:
            order += [f"competence_{code}", f"competence_{code}_evidence"]
        order += ["conflict", "conflict_management"]
        self.order_fields(order)

    def competences(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            code: {
                "answer": data.get(f"competence_{code}", ""),
                "evidence": data.get(f"competence_{code}_evidence", ""),
            }
            for code, _ in COMPETENCES
        }


class NoticeForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        label="Who was told",
        choices=list(NOTICE_RECIPIENTS),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who was told"},
    )
    sent_on = _date("Date it was sent", noun="date it was sent")
    text = _text(
        "What was sent", rows=10, help_text="The letter or e-mail, ready written: change it if you sent other words."
    )


class TermsForm(forms.Form):
    period_from = _date("Start of the period under review", noun="start of the period under review")
    period_to = _date("End of the period under review", noun="end of the period under review")
    lines_of_enquiry = _text("Key lines of enquiry", rows=6)
    agencies = _text("Agencies involved", rows=4, help_text="One a line.")
    other_partnerships = _text("Other partnerships involved", required=False, rows=2)
    method = _choice("Method", METHODS, "Choose the method")
    child_and_family = _text(
        "How the child's perspective and the family's context are covered",
        rows=4,
        message="Say how the child's perspective and the family's context are covered",
    )
    agreed_on = _date("Date the terms were agreed", noun="date the terms were agreed")


class BriefingForm(forms.Form):
    held_on = _date("Date of the briefing", noun="date of the briefing")
    attended = _text(
        "Who came", rows=4, help_text="Agencies and roles, one a line.", message="Say who came to the briefing"
    )


class ContributionForm(forms.Form):
    purpose = _choice(
        "What is asked for",
        [(AgencyRequest.Purpose.CHRONOLOGY.value, "A chronology"),
         (AgencyRequest.Purpose.MANAGEMENT_REPORT.value, "An individual management report")],
        "Choose a chronology or an individual management report",
    )  # fmt: skip
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Agency", error_messages={"required": "Choose the agency"}
    )
    contributor = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Who will answer",
        error_messages={"required": "Choose the person who will answer"},
    )
    shared_facts = _text(
        "What the contributor needs to know", rows=4, message="Say what the contributor needs to know about the case"
    )
    questions = _text("Questions", required=False, rows=4)
    due_date = _date("Due by", noun="due date")


class ProcessForm(forms.Form):
    kind = _choice("Kind of process", PARALLEL_PROCESSES, "Choose the kind of process")
    lead_contact = forms.CharField(
        label="Lead contact", max_length=200, error_messages={"required": "Enter the lead contact for the process"}
    )
    expected_on = _date(
        "When it is expected to conclude",
        required=False,
        noun="date it is expected to conclude",
        help_text="If known. For example, 27 3 2027",
    )
    notes = _text("Notes", required=False, rows=3)
    hold = forms.BooleanField(label="This process holds publication of the report", required=False)
    hold_from = _date(
        "Hold starts on",
        required=False,
        noun="date the hold starts",
        help_text="If it holds publication. For example, 27 3 2027",
    )
    hold_reason = _text("Why publication is held", required=False, rows=3)
    hold_approved_by = forms.CharField(label="Who agreed the hold", required=False, max_length=200)


class HoldForm(forms.Form):
    hold_from = _date("Hold starts on", noun="date the hold starts")
    hold_reason = _text("Why publication is held", rows=3, message="Say why publication is held")
    hold_approved_by = forms.CharField(
        label="Who agreed the hold", max_length=200, error_messages={"required": "Enter who agreed the hold"}
    )


class LiftForm(forms.Form):
    lifted_on = _date(
        "Date the hold was lifted",
        noun="date the hold was lifted",
        help_text="The clock runs again from this day. For example, 27 3 2027",
    )
    concluded = forms.BooleanField(label="The process has concluded", required=False)


class InvolvementForm(forms.Form):
    kind = _choice(
        "What is recorded", Involvement.Kind.choices, "Choose a practitioner learning event or family involvement"
    )
    on = _date("Date", noun="date")
    agencies = _text("Agencies that took part", required=False, rows=2, help_text="For a learning event.")
    attending = forms.IntegerField(
        label="Number of practitioners who came",
        required=False,
        min_value=0,
        max_value=10000,
        help_text="For a learning event.",
    )
    family_member = forms.CharField(
        label="Who in the family",
        required=False,
        max_length=100,
        help_text="As the report names them, for example Mother or Sibling 1.",
    )
    participation = forms.ChoiceField(
        label="Their part", required=False, choices=[("", "Choose"), *Involvement.Participation.choices]
    )
    views_included = _text("How their views were included", required=False, rows=3)


class CheckpointForm(forms.Form):
    held_on = _date("Date of the checkpoint", noun="date of the checkpoint")
    progress = _text("Progress and quality", rows=5, message="Say how the review's progress and quality were found")


class QuestionForm(forms.Form):
    question = _text("Your request to the reviewer", rows=6, message="Enter the request to the reviewer")


class AnswerForm(forms.Form):
    answer = _text("Your answer", rows=6, message="Enter your answer")


class DraftForm(forms.Form):
    text = _text(
        "The draft report",
        required=False,
        rows=16,
        help_text="Write it here, or attach it below (or both).",
    )
    file = forms.FileField(
        label="Attach the draft as a file (optional)",
        required=False,
        help_text="A Word document or PDF, smaller than 10MB, without macros. Only the review group and you read it.",
    )


class CommentForm(forms.Form):
    text = _text("Your comment on this draft", rows=5, message="Enter your comment")


class FinalForm(forms.Form):
    text = _text("The final report", rows=16, message="Enter the final report")
    findings = _text(
        "Findings: why actions were or were not taken",
        rows=8,
        help_text="The analysis of the systemic or underlying reasons.",
        message="Enter the findings: why actions were or were not taken",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(RECOMMENDATION_ROWS):
            self.fields[f"recommendations-{n}-what"] = _text(
                f"Recommendation {n + 1}: what must change", required=False, rows=3
            )
            self.fields[f"recommendations-{n}-owner"] = forms.CharField(
                label=f"Recommendation {n + 1}: agency or partnership that owns it", required=False, max_length=200
            )
            self.fields[f"recommendations-{n}-due_on"] = _date(
                f"Recommendation {n + 1}: due by", required=False, noun=f"date recommendation {n + 1} is due"
            )

    def _typed(self, n: int) -> bool:
        prefix = f"recommendations-{n}-"
        return any(str(v).strip() for k, v in self.data.items() if k.startswith(prefix))

    def clean(self) -> dict[str, Any] | None:
        """The rows are used in order. The service numbers the recommendations it is given from 1 and puts its
        errors against those numbers: with an empty row before a typed one, an error about the typed row would
        land on the empty row's questions."""
        cleaned = super().clean()
        typed = [self._typed(n) for n in range(RECOMMENDATION_ROWS)]
        last = max((n for n, t in enumerate(typed) if t), default=-1)
        for n in range(last):
            if not typed[n]:
                self.add_error(
                    f"recommendations-{n}-what",
                    f"Recommendation {n + 1} is empty: fill it in, or move the recommendations after it up",
                )
        return cleaned

    def recommendations(self) -> list[dict[str, Any]]:
        """The rows with anything typed in them, in order (an empty row is not a recommendation)."""
        data = self.cleaned_data
        rows = []
        for n in range(RECOMMENDATION_ROWS):
            row = {k: data.get(f"recommendations-{n}-{k}") for k in ("what", "owner", "due_on")}
            if any(v not in (None, "") for v in row.values()):
                rows.append(row)
        return rows


class SignOffForm(forms.Form):
    signed_off_by = forms.CharField(
        label="Who in the assurance group signed it off",
        max_length=300,
        error_messages={"required": "Enter who in the assurance group signed off the report"},
    )
    signed_off_on = _date("Date it was signed off", noun="date it was signed off")


class DelayForm(forms.Form):
    reason = _text(
        "Why the review needs more time",
        rows=5,
        help_text="For example, the criminal trial is listed for next spring.",
        message="Say why the review needs more time",
    )
    new_due = _date("New date to complete and publish by", noun="new date")


class DelayDecisionForm(forms.Form):
    approved = _choice(
        "The leadership group's decision",
        [("yes", "Approved"), ("no", "Refused")],
        "Say whether the leadership group approved the delay",
    )
    decided_on = _date("Date of the decision", noun="date of the decision")
    decided_by = forms.CharField(
        label="Who decided", max_length=200, error_messages={"required": "Enter who in the leadership group decided"}
    )
    panel_notified_on = _date(
        "Date the Panel was told",
        required=False,
        noun="date the Panel was told",
        help_text="For an approved delay. For example, 27 3 2027",
    )
    secretary_of_state_notified_on = _date(
        "Date the Secretary of State was told",
        required=False,
        noun="date the Secretary of State was told",
        help_text="For an approved delay. For example, 27 3 2027",
    )


class ExchangeForm(forms.Form):
    kind = _choice(
        "What is recorded",
        [("panel_request", "A request from the Panel"), ("information_sent", "Information sent to the Panel")],
        "Choose a request from the Panel or information sent to it",
    )
    on = _date("Date", noun="date")
    what = _text("What was asked or sent", rows=5, message="Say what was asked or sent")


# --- publishing safely (DOMAIN.md step 10) ---------------------------------------------------------------------


class PublicationPlanForm(forms.Form):
    mode = _choice(
        "What will be published",
        Publication.Mode.choices,
        "Choose whether to publish the full report or only the improvements to be made",
    )
    justification = _text(
        "If only the improvements: why publishing the full report is not appropriate",
        required=False,
        rows=4,
        help_text="This justification is sent to the Panel and the Secretary of State.",
    )
    title = forms.CharField(
        label="Title of the published report",
        required=False,
        max_length=300,
        help_text="Leave blank for the child's pseudonym and the kind of review.",
    )
    reviewer_name = forms.CharField(
        label="Reviewer's name, as the published report gives it",
        max_length=200,
        error_messages={"required": "Enter the reviewer's name, which the published report includes"},
    )


class PublicationCopyForm(forms.Form):
    recipient = _choice("Sent to", [], "Choose who it was sent to")
    what = _choice(
        "What was sent",
        [
            (PublicationCopy.What.FULL_REPORT, "The full report"),
            (PublicationCopy.What.JUSTIFICATION, "The justification for publishing only the improvements"),
        ],
        "Choose what was sent",
    )
    sent_on = _date("Date it was sent", noun="date it was sent")
    how = _choice("How it was sent", PublicationCopy.How.choices, "Choose how it was sent")

    def __init__(self, *args: Any, recipients: list[tuple[str, str]], after: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["recipient"]).choices = recipients
        if after:  # after publication it is always the published report
            del self.fields["what"]


class PseudonymForm(forms.Form):
    category = _choice(
        "What kind of detail", PseudonymEntry.Category.choices, "Choose what kind of detail it is", radio=False
    )
    value = forms.CharField(
        label="The name or detail, as the report might write it",
        max_length=500,
        help_text="It is stored encrypted and never published.",
        error_messages={"required": "Enter the name or detail as the report might write it"},
    )
    replacement = forms.CharField(
        label="What the published report says instead",
        max_length=100,
        help_text="For example, Mother, Sibling 1, School A.",
        error_messages={"required": "Enter what the published report says instead, for example Mother"},
    )


class DeclarationForm(forms.Form):
    name = forms.CharField(
        label="Name of the person declaring",
        max_length=200,
        error_messages={"required": "Enter the name of the person making the declaration"},
    )
    role = forms.CharField(label="Their role", max_length=200, error_messages={"required": "Enter their role"})
    confirmed = forms.BooleanField(
        label="I have checked the whole report: it does not identify the child, their family or anyone whose "
        "welfare publishing it could harm",
        required=False,
    )


class LearningSharedForm(forms.Form):
    shared_on = _date("Date the learning was shared", noun="date the learning was shared")
    how = _text(
        "How it was shared",
        rows=3,
        help_text="For example, a 7-minute briefing to every agency and a practitioner event.",
        message="Say how the learning was shared",
    )


class PublishForm(forms.Form):
    published_on = _date("Publication date", noun="publication date")


class ReportRequestForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=200, error_messages={"required": "Enter your name"})
    email = forms.CharField(
        label="Email address",
        max_length=320,
        help_text="The partnership replies to this address.",
        error_messages={"required": "Enter your email address"},
    )
    reason = _text("Why you would like the report (optional)", required=False, rows=3)
