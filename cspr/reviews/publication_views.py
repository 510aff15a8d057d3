"""The publication plan's pages (DOMAIN.md step 10), under /reviews/<id>/publication/, and the partnership's public
page of published reviews (no sign-in), under /public/<partnership>/. Thin: each calls one service of
``reviews.publication`` (DESIGN.md rule 2) and finds the review through the reader's policy (rules 1 and 7)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cspr.cases.downloads import file_response
from cspr.core.errors import NotFound, ServiceError
from cspr.partnerships.types import AuthedRequest
from cspr.partnerships.views import apply_service_errors
from cspr.reviews import forms as review_forms
from cspr.reviews import publication, selectors
from cspr.reviews.models import LocalReview, PublicationCopy, RedactionFinding, ReviewState
from cspr.reviews.views import _Closed, review_for_action, review_form_view
from cspr.reviews.visibility import ReviewAction

Recipient = PublicationCopy.Recipient


def plan_url(review: LocalReview) -> str:
    return reverse("reviews:publication", args=[review.pk])


# --- the plan's page ------------------------------------------------------------------------------------------


@login_required
def publication_page(request: AuthedRequest, review_id: int) -> HttpResponse:
    """Where the publication stands: what is published, the copies and the earliest date, the pseudonym register,
    the redaction check, and once published the national copies and the public's requests."""
    try:
        review, policy = selectors.review_get(user=request.user, review_id=review_id)
    except NotFound:
        raise Http404 from None
    if not policy.sees_partnership_detail:
        raise Http404
    plan = publication.plan_of(review)
    findings = list(plan.findings.all()) if plan else []
    counts = {d: sum(1 for f in findings if f.decision == d) for d in RedactionFinding.Decision.values}
    return render(
        request,
        "reviews/publication.html",
        {
            "review": review,
            "case": review.case,
            "plan": plan,
            "version": publication.signed_off_version(review),
            **policy.flags(),
            "copies": list(plan.copies.select_related("recorded_by")) if plan else [],
            "missing": [
                (dict(Recipient.choices)[r], dict(PublicationCopy.What.choices)[w])
                for r, w in publication.missing_copies(plan)
            ]
            if plan
            else [],
            "earliest": publication.earliest_date(plan) if plan else None,
            "pseudonyms": list(review.pseudonyms.all()) if plan else [],
            "counts": counts,
            "problem": publication.publication_problem(review) if review.state != ReviewState.PUBLISHED else None,
            # The public's names and addresses are the business manager's, who answers them.
            "requests": list(plan.requests.all())
            if plan and policy.role_allows(ReviewAction.ANSWER_PUBLIC_REQUEST)
            else [],
            "public_url": reverse("public_reviews", args=[review.case.partnership.slug]),
            "today": timezone.localdate(),
        },
    )


def _plan_initial(review: LocalReview) -> dict[str, Any]:
    plan = publication.plan_of(review)
    if plan is not None:
        return {"mode": plan.mode, "justification": plan.justification, "title": plan.title,
                "reviewer_name": plan.reviewer_name}  # fmt: skip
    return {"reviewer_name": review.reviewer.full_name if review.reviewer else ""}


plan = review_form_view(
    ReviewAction.PLAN_PUBLICATION,
    review_forms.PublicationPlanForm,
    title="Plan the publication",
    submit="Save the plan",
    success="The publication plan is saved and the text has been checked for personal data.",
    intro=(
        "The full report is published unless publishing it is not appropriate; then only the improvements to be "
        "made are published, and the Panel and the Secretary of State are given the justification."
    ),
    initial=_plan_initial,
    done=plan_url,
    call=lambda request, review, form: publication.publication_plan(
        actor=request.user, review=review, request=request, **form.cleaned_data
    ),
)


def _copy_kwargs(after: bool) -> Any:
    recipients = publication.AFTER_PUBLICATION if after else publication.BEFORE_PUBLICATION
    return lambda review: {"recipients": [(r.value, r.label) for r in recipients], "after": after}


def _copy_call(request: AuthedRequest, review: LocalReview, form: forms.Form) -> Any:
    data = form.cleaned_data
    return publication.publication_copy_record(
        actor=request.user, review=review, recipient=data["recipient"],
        what=data.get("what", PublicationCopy.What.PUBLISHED), sent_on=data["sent_on"], how=data["how"],
        request=request,
    )  # fmt: skip


copy = review_form_view(
    ReviewAction.RECORD_COPY,
    review_forms.PublicationCopyForm,
    title="Record a copy sent before publication",
    submit="Record the copy",
    success="The copy has been recorded.",
    intro=(
        "The full report goes to the Panel, the Secretary of State and Ofsted at least 7 working days before it is "
        "published. The earliest publication date is worked out from the last of them."
    ),
    form_kwargs=_copy_kwargs(False),
    done=plan_url,
    call=_copy_call,
)

national_copy = review_form_view(
    ReviewAction.RECORD_NATIONAL_COPY,
    review_forms.PublicationCopyForm,
    title="Record a copy of the published report",
    submit="Record the copy",
    success="The copy has been recorded.",
    intro="A copy of what was published goes to the NSPCC national case review repository, and to Ofsted.",
    form_kwargs=_copy_kwargs(True),
    done=plan_url,
    call=_copy_call,
)

pseudonym = review_form_view(
    ReviewAction.EDIT_PSEUDONYMS,
    review_forms.PseudonymForm,
    title="Add to the pseudonym register",
    submit="Add it and check the text again",
    success="The register is updated and the text has been checked again.",
    intro=(
        "Add the names and details the report might contain that the case does not already hold: family members, "
        "other people, schools, addresses. The published report says the replacement instead."
    ),
    done=plan_url,
    call=lambda request, review, form: publication.pseudonym_add(
        actor=request.user, review=review, request=request, **form.cleaned_data
    ),
)

declaration = review_form_view(
    ReviewAction.DECLARE_AS_IS,
    review_forms.DeclarationForm,
    title="Publish the report as it is",
    submit="Make the declaration",
    success="The declaration is recorded.",
    intro=(
        "cspr cannot read this report's text to check it for personal data, so it can only be published as it is, "
        "on the declaration of a named person who has checked all of it."
    ),
    done=plan_url,
    call=lambda request, review, form: publication.publication_declare_as_is(
        actor=request.user, review=review, request=request, **form.cleaned_data
    ),
)


def _publish_intro(review: LocalReview) -> str:
    plan = publication.plan_of(review)
    earliest = publication.earliest_date(plan) if plan else None
    if earliest is None:
        return "The earliest publication date is known once every copy has been sent."
    return (
        f"The earliest publication date is {earliest:%-d %B %Y}: 7 working days after the last copy went to the "
        "national bodies, on the partnership's calendar. cspr writes the published PDF from the checked text."
    )


publish = review_form_view(
    ReviewAction.PUBLISH,
    review_forms.PublishForm,
    title="Publish the report",
    submit="Publish the report",
    success="The report is published on the partnership's public page and in the library.",
    intro=_publish_intro,
    done=plan_url,
    call=lambda request, review, form: publication.publication_publish(
        actor=request.user, review=review, published_on=form.cleaned_data["published_on"], request=request
    ),
)


# --- the redaction check --------------------------------------------------------------------------------------


def _decisions(post: Any, findings: list[RedactionFinding]) -> dict[int, tuple[str, str]]:
    return {
        f.pk: (str(post.get(f"finding_{f.pk}", "")), str(post.get(f"replacement_{f.pk}", ""))[:200]) for f in findings
    }


@login_required
def redaction(request: AuthedRequest, review_id: int) -> HttpResponse:
    """Each finding in its sentence, to replace or keep; the replacement comes from the pseudonym register."""
    try:
        review, _ = review_for_action(request, review_id, ReviewAction.CHECK_REDACTION)
    except _Closed as closed:
        return closed.response
    plan_ = publication.plan_of(review)
    if plan_ is None:
        raise Http404
    findings = list(plan_.findings.all())
    errors: dict[str, str] = {}
    message = ""
    posted: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        posted = _decisions(request.POST, findings)
        try:
            publication.redaction_decide(actor=request.user, review=review, decisions=posted, request=request)
        except ServiceError as exc:
            message, errors = exc.message, dict(exc.field_errors or {}) or {"findings": exc.message}
        else:
            messages.success(request, "The redaction check is saved.")
            return redirect(plan_url(review))
    rows = []
    for f in findings:
        decision, replacement = posted.get(f.pk, (f.decision, f.replacement))
        before, _, after = f.sentence.partition(f.text)
        rows.append({"f": f, "decision": decision, "replacement": replacement or f.replacement,
                     "before": before, "after": after, "error": errors.get(f"finding_{f.pk}", "")})  # fmt: skip
    return render(
        request,
        "reviews/redaction.html",
        {"review": review, "case": review.case, "plan": plan_, "rows": rows, "errors": errors, "message": message},
        status=400 if errors else 200,
    )


@login_required
def preview(request: AuthedRequest, review_id: int) -> HttpResponse:
    """The PDF as it would be published today, from the text with the accepted findings replaced."""
    try:
        review, _ = review_for_action(request, review_id, ReviewAction.CHECK_REDACTION)
    except _Closed as closed:
        return closed.response
    plan_ = publication.plan_of(review)
    if plan_ is None:
        raise Http404
    body = publication.published_pdf(plan_, timezone.localdate())
    return file_response(body, "application/pdf", f"preview-{review.case.pseudonym.lower().replace(' ', '-')}.pdf")


# --- the public page (no sign-in) -------------------------------------------------------------------------------


def public_reviews(request: HttpRequest, slug: str) -> HttpResponse:
    """A partnership's published reviews and improvements, with the reviewer's name and the date; each downloadable
    for its year on the website, then available on request (DOMAIN.md step 10)."""
    partnership, items = selectors.public_publications(slug=slug)
    if partnership is None:
        raise Http404
    return render(
        request,
        "reviews/public_list.html",
        {"partnership": partnership, "items": items, "today": timezone.localdate()},
    )


def public_file(request: HttpRequest, slug: str, publication_id: int) -> HttpResponse:
    item = selectors.public_publication(slug=slug, publication_id=publication_id)
    if item is None or not item.on_website:
        raise Http404
    body = selectors.public_publication_file(publication_id=publication_id)
    return file_response(body, item.content_type, item.file_name)


def public_request(request: HttpRequest, slug: str, publication_id: int) -> HttpResponse:
    """Ask for a report that has had its year on the website; the request reaches the business manager."""
    item = selectors.public_publication(slug=slug, publication_id=publication_id)
    if item is None or item.on_website:
        raise Http404
    form = review_forms.ReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            publication.report_request_create(publication_id=publication_id, request=request, **form.cleaned_data)
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            return render(request, "reviews/public_request_sent.html", {"item": item, "slug": slug})
    return render(
        request,
        "reviews/public_request.html",
        {"item": item, "slug": slug, "form": form, "fields": [form[f] for f in form.fields]},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def request_answered(request: AuthedRequest, review_id: int, request_id: int) -> HttpResponse:
    """Mark a public request for the report as answered."""
    try:
        review, _ = review_for_action(request, review_id, ReviewAction.ANSWER_PUBLIC_REQUEST)
    except _Closed as closed:
        return closed.response
    try:
        publication.report_request_answered(actor=request.user, review=review, request_id=request_id, request=request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The request is marked as answered.")
    return redirect(plan_url(review))
