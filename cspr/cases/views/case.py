"""The case list, the case page, its audit trail and its calendar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from cspr.cases import selectors
from cspr.cases.clocks import clock_rows
from cspr.cases.models import (
    Attachment,
    Notification,
    Referral,
)
from cspr.cases.next_steps import next_steps, progress
from cspr.cases.rules.eligibility import assess
from cspr.cases.rules.regulation11 import CIRCUMSTANCES, CRITERIA
from cspr.cases.sections import case_sections
from cspr.cases.views.common import get_case
from cspr.cases.visibility import case_policy
from cspr.core.errors import NotFound
from cspr.core.pagination import paginate
from cspr.partnerships.roles import Role
from cspr.partnerships.selectors import access_for
from cspr.partnerships.types import AuthedRequest

# --- lists and the case page ------------------------------------------------------------------------------


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    """The cases the reader may see, the requests addressed to them and their referrals: each a page at a time
    (DESIGN.md rule 8: lists are bounded), each with its own ``?<list>_page=`` so moving through one leaves the
    others where they were. Each list reads only the columns it shows: references, pseudonyms, names of
    partnerships and agencies, dates and stages; nothing encrypted is read, so nothing is decrypted (rule 6:
    lists show pseudonyms)."""
    access = access_for(request.user)
    cases = (
        selectors.cases_for_user(user=request.user)
        .only("pk", "reference", "pseudonym", "state", "created_at", "partnership__name")
        .order_by("-created_at", "-pk")
    )
    requests = (
        selectors.agency_requests_for_contributor(user=request.user)
        .select_related(None)
        .select_related("case", "organisation")
        .only("pk", "due_date", "status", "case__reference", "case__pseudonym", "organisation__name")
    )
    referrals = (
        selectors.referrals_by_user(user=request.user)
        .only("pk", "created_at", "outcome", "case__reference", "case__partnership__name")
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "cases/list.html",
        {
            "cases": paginate(request, cases, noun="case"),
            "can_refer": any(
                access.has_role(p, Role.BUSINESS_MANAGER, Role.AGENCY_CONTRIBUTOR) for p in access.partnership_ids()
            ),
            "can_notify": any(access.has_role(p, Role.BUSINESS_MANAGER) for p in access.partnership_ids()),
            "requests": paginate(
                request, requests, noun="request", label="Pages of requests addressed to you", param="requests_page"
            ),
            "referrals": paginate(
                request, referrals, noun="referral", label="Pages of your referrals", param="referrals_page"
            ),
        },
    )


@login_required
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = get_case(request, case_id, log_read=True)
    # What the reader may see of each step, and which steps they may take, is the case's policy
    # (cases/visibility.py), so the page, the API and the documents show the Panel the same: what was sent to
    # it, never a round still being decided (docs/cases.md).
    policy = case_policy(user=request.user, case=case)
    whole = policy.sees_local_detail
    notification = Notification.objects.filter(case=case).first()
    children = list(case.children.all())  # read once: eligibility and the children's section both use them
    rr = policy.rapid_review()
    decisions = policy.decisions()
    attachments = list(policy.attachments())
    answer_files: dict[int, list[Attachment]] = {}
    for a in attachments:
        if a.agency_request_id is not None:
            answer_files.setdefault(a.agency_request_id, []).append(a)
    similar = []
    if whole and rr is not None:
        from cspr.library.selectors import similar_reviews_for_text

        text = "\n\n".join(
            t
            for t in (
                case.summary,
                notification.description if notification else "",
                rr.learning_so_far,
                rr.family_context,
            )
            if t
        )
        similar = similar_reviews_for_text(text=text, limit=5) if text.strip() else []
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "whole": whole,
            **policy.flags(),
            "referral": Referral.objects.filter(case=case).first() if whole else None,
            "notification": notification,
            "eligibility": assess(notification, children) if notification else None,
            "children": children if whole else [],
            "rr": rr,
            "criteria": CRITERIA,
            "circumstances": CIRCUMSTANCES,
            "requests": case.agency_requests.select_related("organisation", "contributor") if whole else [],
            "episodes": case.episodes.all() if rr is not None else [],
            "actions": case.immediate_actions.all() if rr is not None else [],
            "decisions": decisions,
            "summary_only_rounds": [d.round for d in decisions if not policy.decision_in_full(d)],
            "panel_responses": case.panel_responses.all() if policy.sees_panel_responses else [],
            "clocks": [row for row in clock_rows(case) if policy.sees_clock(row["id"])],
            # The Panel is told its own next step, not how far the partners' meeting has got.
            "steps": [s for s in next_steps(case, request.user, policy) if whole or s.who == "National Panel"],
            # Where the chain has got to, ticked off: the partnership's own view (the Panel reads what it was sent).
            "progress": progress(case, policy) if whole else [],
            "similar": similar,
            # What later apps add (the local review's stage and link), each deciding what this reader sees.
            "sections": case_sections(case, request.user),
            "documents": policy.sees_documents,
            # The notification's files; an agency's files are shown with its answer (the same policy's list).
            "attachments": [a for a in attachments if a.agency_request_id is None],
            "answer_files": answer_files,
            "published_report_id": selectors.published_report_id(user=request.user, case=case),
        },
    )


@login_required
def case_audit(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The case's audit trail, newest first, a page at a time: every event stays reachable however long the
    trail grows (DESIGN.md rule 8: lists are bounded). Only the page's events are read, and their details
    (encrypted) decrypted."""
    case = get_case(request, case_id)
    try:
        trail = selectors.case_audit_trail(user=request.user, case=case)
    except NotFound:
        raise Http404 from None
    # The trail names who did what to the case: reading it is a read of case data, audited like the others
    # (recorded before the page is counted, so the count and the rows agree and this view is the newest).
    selectors.case_read_record(user=request.user, case=case, page="audit", request=request)
    events = paginate(
        request,
        trail.only("pk", "seq", "occurred_at", "action", "changes", "actor__full_name"),
        noun="event",
        label="Pages of the audit trail",
    )
    return render(request, "cases/audit.html", {"case": case, "events": events})


@login_required
def case_calendar(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The case's milestones as an iCalendar file (pseudonym and milestone names only: no personal data)."""
    from cspr.cases.clocks import case_clocks
    from cspr.timescales import milestones_to_ics

    case = get_case(request, case_id)
    if not case_policy(user=request.user, case=case).sees_local_detail:
        raise Http404
    body = milestones_to_ics(
        case_reference=f"{case.reference} {case.pseudonym}",
        clocks=case_clocks(case),
        uid_domain=request.get_host().split(":")[0] or "cspr.invalid",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}.ics"'
    return response
