"""The review's pages: thin, each asking one form's questions and calling one service (DESIGN.md rule 2),
each finding the review through the selectors and the reader's policy (rules 1 and 7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cspr.cases.clocks import clock_rows, rows_for_clocks
from cspr.core.errors import NotFound, ServiceError, ValidationFailed
from cspr.partnerships.models import Membership, Organisation, User
from cspr.partnerships.roles import Role
from cspr.partnerships.types import AuthedRequest
from cspr.reviews import forms as review_forms
from cspr.reviews import selectors, services
from cspr.reviews.models import Delay, LocalReview, ParallelProcess, ReportVersion, WrittenRequest
from cspr.reviews.next_steps import review_next_steps
from cspr.reviews.rules import COMPETENCES, LOCAL_REVIEW_CLOCK, NOTICE_RECIPIENTS
from cspr.reviews.visibility import ReviewAction, ReviewPolicy
from cspr.web.forms import form_page, run_service

RECIPIENT_LABELS = dict(NOTICE_RECIPIENTS)


@dataclass
class Heading:
    """What a review's form page shows above its heading: the case's reference and pseudonym, never a name."""

    pk: int
    reference: str
    pseudonym: str

    @classmethod
    def of(cls, review: LocalReview) -> Heading:
        return cls(review.pk, f"{review.case.reference}, local review", review.case.pseudonym)


def detail_url(review: LocalReview) -> str:
    return reverse("reviews:detail", args=[review.pk])


class _Closed(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def review_for_action(request: AuthedRequest, review_id: int, action: ReviewAction) -> tuple[LocalReview, ReviewPolicy]:
    """The review and the reader's policy for a page that takes ``action``. A review the reader cannot see, or
    a step their role never takes, is a 404 (rule 1); a step closed at this stage sends a GET back to the
    review with the reason, and a POST on to the service, which refuses it with the same reason."""
    try:
        review, policy = selectors.review_get(user=request.user, review_id=review_id)
    except NotFound:
        raise Http404 from None
    if not policy.role_allows(action):
        raise Http404
    why_not = policy.why_not(action)
    if why_not and request.method != "POST":
        messages.info(request, why_not)
        raise _Closed(redirect(detail_url(review)))
    return review, policy


def review_form_view(
    action: ReviewAction,
    form_class: type[forms.Form],
    *,
    title: str,
    submit: str,
    success: str,
    call: Callable[..., Any],
    intro: str | Callable[[LocalReview], str] = "",
    initial: Callable[[LocalReview], dict[str, Any]] | None = None,
    form_kwargs: Callable[[LocalReview], dict[str, Any]] | None = None,
    done: Callable[[LocalReview], str] | None = None,
) -> Callable[..., HttpResponse]:
    """One review page: the form, the service ``call(request, review, form, **ids)``, back to the review (or to
    ``done(review)``, such as the publication plan's page)."""
    after = done or detail_url

    @login_required
    def view(request: AuthedRequest, review_id: int, **ids: int) -> HttpResponse:
        try:
            review, _ = review_for_action(request, review_id, action)
        except _Closed as closed:
            return closed.response
        form = form_class(
            request.POST or None,
            initial=initial(review) if initial else None,
            **(form_kwargs(review) if form_kwargs else {}),
        )
        if (
            request.method == "POST"
            and form.is_valid()
            and run_service(request, form, lambda: call(request, review, form, **ids), success)
        ):
            return redirect(after(review))
        return form_page(
            request,
            form=form,
            title=title,
            case=Heading.of(review),
            submit=submit,
            intro=intro(review) if callable(intro) else intro,
            back=after(review),
        )

    return view


def review_post_view(action: ReviewAction, call: Callable[..., Any], success: str) -> Callable[..., HttpResponse]:
    """A button on the review page that takes one step (start the review, mark it ready)."""

    @login_required
    @require_POST
    def view(request: AuthedRequest, review_id: int) -> HttpResponse:
        try:
            review, _ = review_for_action(request, review_id, action)
        except _Closed as closed:
            return closed.response
        try:
            call(actor=request.user, review=review, request=request)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
        return redirect(detail_url(review))

    return view


def _today(*names: str) -> Callable[[LocalReview], dict[str, Any]]:
    return lambda review: dict.fromkeys(names, timezone.localdate())


# --- the review page -------------------------------------------------------------------------------------------


@login_required
def review_detail(request: AuthedRequest, review_id: int) -> HttpResponse:
    try:
        review, policy = selectors.review_get(user=request.user, review_id=review_id, log_read=True, request=request)
    except NotFound:
        raise Http404 from None
    whole = policy.sees_partnership_detail
    steps = review_next_steps(review, policy)
    versions = list(
        ReportVersion.objects.filter(review=review)
        .select_related("file")
        .prefetch_related("comments__author", "recommendations")
    )
    if not whole:
        clocks = []
    elif review.statutory:
        clocks = [r for r in clock_rows(review.case) if r["id"] == LOCAL_REVIEW_CLOCK]
    else:  # a learning review's own timescales (reviews/learning.py)
        from cspr.reviews.learning import learning_clocks

        clocks = rows_for_clocks(learning_clocks(review))
    return render(
        request,
        "reviews/detail.html",
        {
            "review": review,
            "case": review.case,
            "whole": whole,
            "is_reviewer": policy.is_reviewer,
            **policy.flags(),
            "steps": steps,
            "competences": [(label, review.competences.get(code, {})) for code, label in COMPETENCES] if whole else [],
            "notices": [(n.sent_on, [RECIPIENT_LABELS.get(r, r) for r in n.recipients]) for n in review.notices.all()]
            if whole
            else [],
            "today": timezone.localdate(),
            "terms": list(review.terms.all()),
            "briefings": list(review.briefings.all()),
            "contributions": list(selectors.review_contributions(review)),
            "processes": list(review.processes.all()) if whole else [],
            "involvement": list(review.involvement.all()),
            "checkpoints": list(review.checkpoints.all()) if whole else [],
            "written_requests": list(review.written_requests.select_related("asked_by")),
            "versions": versions,
            "latest": versions[-1] if versions else None,
            "delays": list(review.delays.all()) if whole else [],
            "clocks": clocks,
        },
    )


@login_required
def reviews_list(request: AuthedRequest) -> HttpResponse:
    """The reviews the reader may open: their partnership's, or the ones they are commissioned for."""
    from cspr.core.pagination import paginate

    reviews = selectors.reviews_for_user(user=request.user).order_by("-opened_at")
    return render(request, "reviews/list.html", {"reviews": paginate(request, reviews, noun="review")})


# --- commissioning ---------------------------------------------------------------------------------------------


def _reviewers(review: LocalReview) -> list[User]:
    ids = Membership.objects.active().filter(partnership_id=review.partnership_id, role=Role.REVIEWER).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("full_name"))


def _commission(request: AuthedRequest, review: LocalReview, form: review_forms.CommissionForm) -> Any:
    data = form.cleaned_data
    reviewer = next((u for u in _reviewers(review) if str(u.pk) == data["reviewer"]), None)
    return services.review_commission(
        actor=request.user,
        review=review,
        reviewer=reviewer,
        competences=form.competences(),
        conflict=data["conflict"],
        conflict_management=data.get("conflict_management", ""),
        commissioned_on=data["commissioned_on"],
        request=request,
    )


commission = review_form_view(
    ReviewAction.COMMISSION,
    review_forms.CommissionForm,
    title="Commission the reviewer",
    submit="Commission the reviewer",
    success="The reviewer has been commissioned.",
    intro="The review group checks each of these before the review starts (Working Together 2023, chapter 5).",
    call=_commission,
    initial=_today("commissioned_on"),
    form_kwargs=lambda review: {"reviewers": _reviewers(review)},
)

notice = review_form_view(
    ReviewAction.TELL_NATIONAL_BODIES,
    review_forms.NoticeForm,
    title="Tell the Panel, Ofsted and the DfE about the review",
    submit="Record it as sent",
    success="Recorded who was told about the review.",
    call=lambda request, review, form: services.review_notice_record(
        actor=request.user, review=review, **form.cleaned_data, request=request
    ),
    initial=lambda review: {
        "sent_on": timezone.localdate(),
        "recipients": ["panel", "ofsted", "dfe"],
        "text": services.review_notice_text(review),
    },
)

terms = review_form_view(
    ReviewAction.AGREE_TERMS,
    review_forms.TermsForm,
    title="Agree the terms of reference",
    submit="Agree these terms",
    success="The terms of reference have been agreed.",
    intro="A change makes a new version; earlier versions stay on the review page.",
    call=lambda request, review, form: services.review_terms_agree(
        actor=request.user, review=review, **form.cleaned_data, request=request
    ),
    initial=lambda review: _terms_initial(review),
)


def _terms_initial(review: LocalReview) -> dict[str, Any]:
    latest = review.terms.order_by("-number").first()
    if latest is None:
        return {"agreed_on": timezone.localdate(), "method": "systems"}
    return {
        "period_from": latest.period_from,
        "period_to": latest.period_to,
        "lines_of_enquiry": latest.lines_of_enquiry,
        "agencies": latest.agencies,
        "other_partnerships": latest.other_partnerships,
        "method": latest.method,
        "child_and_family": latest.child_and_family,
        "agreed_on": timezone.localdate(),
    }


briefing = review_form_view(
    ReviewAction.RECORD_BRIEFING,
    review_forms.BriefingForm,
    title="Record the agencies' briefing session",
    submit="Record the briefing",
    success="The briefing has been recorded.",
    call=lambda request, review, form: services.review_briefing_record(
        actor=request.user, review=review, **form.cleaned_data, request=request
    ),
    initial=_today("held_on"),
)

start = review_post_view(ReviewAction.START, services.review_start, "The review has started.")
mark_ready = review_post_view(ReviewAction.MARK_READY, services.review_mark_ready, "The report is ready to publish.")
new_version = review_post_view(
    ReviewAction.NEW_VERSION, services.review_new_version, "A new version has been started: it needs signing off again."
)


# --- agencies' returns -------------------------------------------------------------------------------------------


def _person_label(user: User) -> str:
    return user.full_name or user.email


class _ContributionForm(review_forms.ContributionForm):
    def __init__(self, *args: Any, review: LocalReview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(partnership_id=review.partnership_id).order_by("name")
        contributors = User.objects.filter(
            pk__in=Membership.objects.active()
            .filter(partnership_id=review.partnership_id, role=Role.AGENCY_CONTRIBUTOR)
            .values("user_id")
        ).order_by("full_name")
        org_field = self.fields["organisation"]
        who_field = self.fields["contributor"]
        assert isinstance(org_field, forms.ModelChoiceField) and isinstance(who_field, forms.ModelChoiceField)
        org_field.queryset = organisations
        who_field.queryset = contributors
        who_field.label_from_instance = _person_label  # type: ignore[method-assign,assignment]


contribution = review_form_view(
    ReviewAction.REQUEST_CONTRIBUTION,
    _ContributionForm,
    title="Ask an agency for a chronology or a report",
    submit="Send the request",
    success="The request has been sent.",
    call=lambda request, review, form: services.review_contribution_request(
        actor=request.user, review=review, **form.cleaned_data, request=request
    ),
    form_kwargs=lambda review: {"review": review},
)


# --- parallel processes and holds ---------------------------------------------------------------------------------

process = review_form_view(
    ReviewAction.RECORD_PROCESS,
    review_forms.ProcessForm,
    title="Record a parallel process",
    submit="Record the process",
    success="The process has been recorded.",
    intro="A process that holds publication pauses the six-month clock until the hold is lifted.",
    call=lambda request, review, form: services.review_process_record(
        actor=request.user, review=review, **form.cleaned_data, request=request
    ),
)


def _process_on(review: LocalReview, process_id: int) -> ParallelProcess:
    found = ParallelProcess.objects.filter(review=review, pk=process_id).first()
    if found is None:
        raise Http404
    return found


hold = review_form_view(
    ReviewAction.RECORD_PROCESS,
    review_forms.HoldForm,
    title="Hold publication",
    submit="Hold publication",
    success="Publication is held: the six-month clock is paused.",
    call=lambda request, review, form, process_id: services.review_hold_place(
        actor=request.user, process=_process_on(review, process_id), **form.cleaned_data, request=request
    ),
    initial=_today("hold_from"),
)

lift = review_form_view(
    ReviewAction.RECORD_PROCESS,
    review_forms.LiftForm,
    title="Lift the publication hold",
    submit="Lift the hold",
    success="The hold has been lifted: the six-month clock runs again.",
    call=lambda request, review, form, process_id: services.review_hold_lift(
        actor=request.user, process=_process_on(review, process_id), **form.cleaned_data, request=request
    ),
    initial=_today("lifted_on"),
)


# --- involvement and supervision ---------------------------------------------------------------------------------

involvement = review_form_view(
    ReviewAction.RECORD_INVOLVEMENT,
    review_forms.InvolvementForm,
    title="Record involvement",
    submit="Record it",
    success="The involvement has been recorded.",
    intro="A practitioner learning event, or a family member's part in the review: surviving children included.",
    call=lambda request, review, form: services.review_involvement_record(
        actor=request.user, review=review, **form.cleaned_data, request=request
    ),
    initial=_today("on"),
)

checkpoint = review_form_view(
    ReviewAction.RECORD_CHECKPOINT,
    review_forms.CheckpointForm,
    title="Record a progress checkpoint",
    submit="Record the checkpoint",
    success="The checkpoint has been recorded.",
    call=lambda request, review, form: services.review_checkpoint_record(
        actor=request.user, review=review, **form.cleaned_data, request=request
    ),
    initial=_today("held_on"),
)

ask = review_form_view(
    ReviewAction.ASK_REVIEWER,
    review_forms.QuestionForm,
    title="Make a written request to the reviewer",
    submit="Send the request",
    success="The request has been sent to the reviewer.",
    intro="Requests to the reviewer are made in writing and kept with the reviewer's answer.",
    call=lambda request, review, form: services.review_ask_reviewer(
        actor=request.user, review=review, **form.cleaned_data, request=request
    ),
)


def _answer(request: AuthedRequest, review: LocalReview, form: forms.Form, request_id: int) -> Any:
    item = WrittenRequest.objects.filter(review=review, pk=request_id).first()
    if item is None:
        raise Http404
    return services.review_request_answer(
        actor=request.user, written_request=item, answer=form.cleaned_data["answer"], request=request
    )


answer = review_form_view(
    ReviewAction.ANSWER_REQUEST,
    review_forms.AnswerForm,
    title="Answer the written request",
    submit="Send your answer",
    success="Your answer has been sent to the review group.",
    call=_answer,
)


# --- the report --------------------------------------------------------------------------------------------------


@login_required
def draft(request: AuthedRequest, review_id: int) -> HttpResponse:
    """Share a draft, written here or uploaded through the upload gate (a file cut off while it streamed in is
    refused on its question, keeping what was typed)."""
    from cspr.cases.services.attachments import MAX_ATTACHMENT_BYTES
    from cspr.cases.views.common import ask_for_file_again
    from cspr.cases.views.files import refuse_cut_off_upload

    try:
        review, _ = review_for_action(request, review_id, ReviewAction.SHARE_DRAFT)
    except _Closed as closed:
        return closed.response
    latest = review.report_versions.order_by("-number").first()
    form = review_forms.DraftForm(
        request.POST or None, request.FILES or None, initial={"text": getattr(latest, "text", "")}
    )
    cut_off = refuse_cut_off_upload(request, form, MAX_ATTACHMENT_BYTES)
    if request.method == "POST" and not cut_off and form.is_valid():
        upload = form.cleaned_data.get("file")
        data = upload.read(MAX_ATTACHMENT_BYTES + 1) if upload else None
        if run_service(
            request,
            form,
            lambda: services.review_draft_share(
                actor=request.user,
                review=review,
                text=form.cleaned_data["text"],
                file_name=upload.name if upload else "",
                file_data=data,
                request=request,
            ),
            "The draft has been shared with the review group.",
        ):
            return redirect(detail_url(review))
    ask_for_file_again(request, form)
    return form_page(
        request, form=form, title="Share a draft of the report", case=Heading.of(review), submit="Share the draft",
        back=detail_url(review), multipart=True, status=413 if cut_off else 200,
    )  # fmt: skip


@login_required
def version_file(request: AuthedRequest, review_id: int, version_id: int) -> HttpResponse:
    """A draft's file, for those who read the review (the reviewer included); the download is audited."""
    from cspr.cases.downloads import attachment_download

    try:
        review, _ = selectors.review_get(user=request.user, review_id=review_id)
    except NotFound:
        raise Http404 from None
    version = (
        ReportVersion.objects.filter(review=review, pk=version_id, file__isnull=False).select_related("file").first()
    )
    if version is None or version.file is None:
        raise Http404
    return attachment_download(request, case=review.case, attachment=version.file)


def _comment(request: AuthedRequest, review: LocalReview, form: forms.Form, version_id: int) -> Any:
    version = ReportVersion.objects.filter(review=review, pk=version_id).first()
    if version is None:
        raise Http404
    return services.review_draft_comment(
        actor=request.user, version=version, text=form.cleaned_data["text"], request=request
    )


comment = review_form_view(
    ReviewAction.COMMENT_ON_DRAFT,
    review_forms.CommentForm,
    title="Comment on the draft",
    submit="Add your comment",
    success="Your comment has been added.",
    call=_comment,
)


def _final(request: AuthedRequest, review: LocalReview, form: review_forms.FinalForm) -> Any:
    try:
        return services.review_final_submit(
            actor=request.user,
            review=review,
            text=form.cleaned_data["text"],
            findings=form.cleaned_data["findings"],
            recommendations=form.recommendations(),
            request=request,
        )
    except ValidationFailed as exc:
        # "Add at least one recommendation" is keyed to no field of the form: put it against the first row, or
        # the page shows only the service's headline and not what to do.
        if "recommendations" not in exc.field_errors:
            raise
        errors = dict(exc.field_errors)
        errors.setdefault("recommendations-0-what", errors.pop("recommendations"))
        raise ValidationFailed(exc.message, field_errors=errors) from exc


final = review_form_view(
    ReviewAction.SUBMIT_FINAL,
    review_forms.FinalForm,
    title="Submit the final report",
    submit="Submit the final report",
    success="The final report has been submitted for sign-off.",
    intro="Each recommendation says what must change, who owns it and by when: they become the action plan.",
    call=_final,
    initial=lambda review: {"text": getattr(review.report_versions.order_by("-number").first(), "text", "")},
)

sign_off = review_form_view(
    ReviewAction.SIGN_OFF,
    review_forms.SignOffForm,
    title="Record the assurance group's sign-off",
    submit="Record the sign-off",
    success="The final report has been signed off.",
    intro="Once signed off, the report cannot change without a new version.",
    call=lambda request, review, form: services.review_sign_off(
        actor=request.user, review=review, **form.cleaned_data, request=request
    ),
    initial=_today("signed_off_on"),
)


# --- delays ------------------------------------------------------------------------------------------------------

delay = review_form_view(
    ReviewAction.REQUEST_DELAY,
    review_forms.DelayForm,
    title="Ask for a delay",
    submit="Ask the leadership group",
    success="The delay has been asked for: the leadership group decides.",
    call=lambda request, review, form: services.review_delay_request(
        actor=request.user, review=review, **form.cleaned_data, request=request
    ),
)


def _decide(request: AuthedRequest, review: LocalReview, form: forms.Form) -> Any:
    waiting = Delay.objects.filter(review=review, status=Delay.Status.REQUESTED).first()
    if waiting is None:
        raise Http404
    data = dict(form.cleaned_data)
    approved = {"yes": True, "no": False}.get(data.pop("approved"))
    return services.review_delay_decide(actor=request.user, delay=waiting, approved=approved, **data, request=request)


delay_decide = review_form_view(
    ReviewAction.DECIDE_DELAY,
    review_forms.DelayDecisionForm,
    title="Decide on the delay",
    submit="Record the decision",
    success="The decision on the delay has been recorded.",
    call=_decide,
    initial=_today("decided_on"),
    intro=lambda review: next(
        (
            f"Asked for: a new date of {d.new_due:%-d %B %Y}, because {d.reason}"
            for d in Delay.objects.filter(review=review, status=Delay.Status.REQUESTED)
        ),
        "",
    ),
)


# --- the Panel's national review ------------------------------------------------------------------------------


@login_required
def national_review(request: AuthedRequest, national_id: int) -> HttpResponse:
    """The record of the partnership's cooperation with the Panel's national review, and the form to add to it
    for the business manager."""
    from cspr.reviews import national as nr

    try:
        found = nr.national_review_get(user=request.user, national_id=national_id)
    except NotFound:
        raise Http404 from None
    can_record = nr.can_record_exchange(request.user, found)
    form = review_forms.ExchangeForm(request.POST or None, initial={"on": timezone.localdate()}) if can_record else None
    if request.method == "POST" and form is None:
        raise Http404
    if (
        form is not None
        and request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            form,
            lambda: nr.national_review_exchange_record(
                actor=request.user, national=found, **form.cleaned_data, request=request
            ),
            "Recorded.",
        )
    ):
        return redirect("reviews:national", found.pk)
    return render(
        request,
        "reviews/national.html",
        {
            "national": found,
            "case": found.case,
            "exchanges": list(found.exchanges.select_related("recorded_by")),
            "form": form,
            "fields": [form[f] for f in form.fields] if form is not None else [],
            "page_has_errors": bool(form is not None and form.errors),
        },
    )


# --- the multi-agency learning review's end (DOMAIN.md step 4) ----------------------------------------------------

learning_shared = review_form_view(
    ReviewAction.RECORD_LEARNING_SHARED,
    review_forms.LearningSharedForm,
    title="Record the learning shared",
    submit="Record it and complete the review",
    success="The learning review is complete.",
    intro="A multi-agency learning review is complete once its learning is shared across the partnership. "
    "Publishing it is optional: plan a publication instead if the partnership will publish it.",
    initial=_today("shared_on"),
    call=lambda request, review, form: services.review_learning_shared(
        actor=request.user, review=review, request=request, **form.cleaned_data
    ),
)
