"""The local review from the partners' decision to a report ready to publish, through its services (issue 13):
each step's record, its audit event and the stage it moves the review to."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.cases.clocks import clock_rows
from cspr.cases.models import AgencyRequest
from cspr.cases.services import agency_request_respond, agency_requests_remind
from cspr.core.errors import IllegalTransition, NotAllowed, NotFound, ValidationFailed
from cspr.reviews import services
from cspr.reviews.models import Delay, LocalReview, ReviewState
from tests.cases.conftest import local_review_case
from tests.reviews.conftest import ALL_COMPETENT, commissioned, in_progress, terms_agreed

pytestmark = pytest.mark.django_db


def review_of(people: dict[str, Any]) -> LocalReview:
    case = local_review_case(people)
    return LocalReview.objects.get(case=case)


def lcspr_clock(review: LocalReview) -> dict[str, Any]:
    return next(r for r in clock_rows(review.case) if r["id"] == "lcspr-published")


def test_a_case_entering_the_local_review_opens_one_with_the_date_the_partners_decided(people):
    review = review_of(people)
    assert review.state == ReviewState.COMMISSIONING
    assert review.decided_on == timezone.localdate()
    assert review.partnership_id == people["partnership"].pk
    assert AuditEvent.objects.filter(action="review.opened", object_id=str(review.pk)).exists()


def test_the_review_cannot_leave_commissioning_without_every_competence_with_evidence(people):
    review = review_of(people)
    partial = {**ALL_COMPETENT, "hindsight": {"answer": "yes", "evidence": ""}, "research": {"answer": "no"}}
    with pytest.raises(ValidationFailed) as refused:
        services.review_commission(
            actor=people["manager"], review=review, reviewer=people["reviewer"], competences=partial,
            conflict="declared", conflict_management="", commissioned_on=timezone.localdate(),
        )  # fmt: skip
    errors = refused.value.field_errors
    assert set(errors) >= {"competence_research", "competence_hindsight_evidence", "conflict_management"}
    review.refresh_from_db()
    assert review.reviewer_id is None and review.state == ReviewState.COMMISSIONING


def test_only_a_person_with_a_reviewer_membership_of_the_partnership_can_be_commissioned(people):
    review = review_of(people)
    with pytest.raises(ValidationFailed) as refused:
        services.review_commission(
            actor=people["manager"], review=review, reviewer=people["health"], competences=ALL_COMPETENT,
            conflict="none", commissioned_on=timezone.localdate(),
        )  # fmt: skip
    assert "reviewer" in refused.value.field_errors


def test_commissioning_ends_when_the_reviewer_the_notices_and_the_terms_are_all_recorded(people):
    review = review_of(people)
    commissioned(people, review)
    assert review.state == ReviewState.COMMISSIONING  # the national bodies are not told yet, no terms
    review = terms_agreed(people, review)
    assert review.state == ReviewState.TERMS_AGREED
    notice = review.notices.get()
    assert notice.recipients == ["dfe", "ofsted", "panel"]
    assert people["reviewer"].full_name in notice.text and review.case.pseudonym in notice.text


def test_a_change_to_the_terms_makes_a_new_version_and_keeps_the_old(people):
    review = terms_agreed(people, commissioned(people, review_of(people)))
    first = review.terms.get()
    services.review_terms_agree(
        actor=people["manager"], review=review, period_from=first.period_from, period_to=first.period_to,
        lines_of_enquiry="A new line: the GP's part.", agencies=first.agencies, method="hybrid",
        child_and_family=first.child_and_family, agreed_on=timezone.localdate(),
    )  # fmt: skip
    versions = list(review.terms.order_by("number"))
    assert [t.number for t in versions] == [1, 2]
    assert versions[0].lines_of_enquiry.startswith("How agencies") and versions[1].method == "hybrid"


def test_the_review_starts_only_after_the_briefing(people):
    review = terms_agreed(people, commissioned(people, review_of(people)))
    with pytest.raises(IllegalTransition, match="briefing"):
        services.review_start(actor=people["manager"], review=review)
    review = in_progress(people, review)
    assert review.state == ReviewState.IN_PROGRESS


def test_an_agency_chronology_is_reminded_returned_late_and_shown_as_late(people, django_capture_on_commit_callbacks):
    review = in_progress(people, terms_agreed(people, commissioned(people, review_of(people))))
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.review_contribution_request(
            actor=people["manager"], review=review, organisation=people["orgs"]["nhs_trust"],
            contributor=people["health"], purpose="chronology", shared_facts="The baby's health visits.",
            due_date=today + datetime.timedelta(days=7),
        )  # fmt: skip
    assert asked.purpose == AgencyRequest.Purpose.CHRONOLOGY
    assert "chronology" in mail.outbox[-1].body and "local review" in mail.outbox[-1].body
    # Past the due date by 3 working days: reminded, and taken to the ICB's decision maker (an NHS trust).
    with time_machine.travel(today + datetime.timedelta(days=14), tick=False):
        mail.outbox.clear()
        run = agency_requests_remind()
        assert run.sent == 1
        asked.refresh_from_db()
        assert asked.escalated_on == timezone.localdate()
        escalations = [m for m in mail.outbox if m.subject.startswith("Late for a local review")]
        assert [m.to for m in escalations] == [[people["icb"].email]]
        agency_request_respond(actor=people["health"], agency_request=asked, response="Chronology: 12 contacts.")
    asked.refresh_from_db()
    assert asked.status == AgencyRequest.Status.ANSWERED
    assert timezone.localdate(asked.responded_at) > asked.due_date


def test_a_publication_hold_pauses_the_six_month_clock_and_lifting_it_restarts_it(people):
    review = in_progress(people, terms_agreed(people, commissioned(people, review_of(people))))
    statutory = lcspr_clock(review)["statutory_due"]
    decided = timezone.localdate()
    with time_machine.travel(decided + datetime.timedelta(days=5), tick=False):
        process = services.review_process_record(
            actor=people["manager"], review=review, kind="criminal_investigation", lead_contact="DI Example",
            hold=True, hold_from=timezone.localdate(), hold_reason="Charging decision awaited",
            hold_approved_by="Review group",
        )  # fmt: skip
        assert lcspr_clock(review)["status"] == "paused"
    # Held from day 5 to day 24: the clock stops for those 20 calendar days (a calendar-month clock).
    with time_machine.travel(decided + datetime.timedelta(days=25), tick=False):
        services.review_hold_lift(actor=people["manager"], process=process, lifted_on=timezone.localdate())
        row = lcspr_clock(review)
    assert row["statutory_due"] == statutory
    assert row["effective_due"] == statutory + datetime.timedelta(days=20)
    assert any("Criminal investigation" in line for line in row["explanation"])


def test_an_approved_delay_extends_the_clock_and_keeps_the_statutory_date_beside_it(people):
    review = in_progress(people, terms_agreed(people, commissioned(people, review_of(people))))
    statutory = lcspr_clock(review)["statutory_due"]
    later = statutory + datetime.timedelta(days=90)
    delay = services.review_delay_request(
        actor=people["manager"], review=review, reason="The trial is listed for the spring.", new_due=later
    )
    with pytest.raises(NotAllowed):  # the leadership group decides: the decision makers
        services.review_delay_decide(
            actor=people["manager"], delay=delay, approved=True, decided_on=timezone.localdate(), decided_by="x"
        )
    with pytest.raises(ValidationFailed) as refused:
        services.review_delay_decide(
            actor=people["la"],
            delay=delay,
            approved=True,
            decided_on=timezone.localdate(),
            decided_by="Leadership group",
        )
    assert set(refused.value.field_errors) == {"panel_notified_on", "secretary_of_state_notified_on"}
    services.review_delay_decide(
        actor=people["la"], delay=delay, approved=True, decided_on=timezone.localdate(), decided_by="Leadership group",
        panel_notified_on=timezone.localdate(), secretary_of_state_notified_on=timezone.localdate(),
    )  # fmt: skip
    row = lcspr_clock(review)
    assert row["effective_due"] == later and row["statutory_due"] == statutory and row["extended"]
    assert Delay.objects.get(pk=delay.pk).status == Delay.Status.APPROVED


def test_a_written_request_reaches_the_reviewer_who_alone_answers_it(people, django_capture_on_commit_callbacks):
    review = in_progress(people, terms_agreed(people, commissioned(people, review_of(people))))
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.review_ask_reviewer(actor=people["la"], review=review, question="Please add the GP's view.")
    assert mail.outbox[-1].to == [people["reviewer"].email]
    assert review.case.pseudonym not in mail.outbox[-1].body
    with pytest.raises(NotFound):
        services.review_request_answer(actor=people["other_reviewer"], written_request=asked, answer="x")
    with pytest.raises(NotAllowed):
        services.review_request_answer(actor=people["manager"], written_request=asked, answer="x")
    services.review_request_answer(actor=people["reviewer"], written_request=asked, answer="Added in draft 2.")
    asked.refresh_from_db()
    assert asked.answer == "Added in draft 2." and asked.answered_at is not None


def signed_off(people: dict[str, Any]) -> LocalReview:
    review = in_progress(people, terms_agreed(people, commissioned(people, review_of(people))))
    draft = services.review_draft_share(actor=people["reviewer"], review=review, text="Draft one.")
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT_REPORT
    services.review_draft_comment(actor=people["police"], version=draft, text="Say more about the police's part.")
    later = timezone.localdate() + datetime.timedelta(days=180)
    services.review_final_submit(
        actor=people["reviewer"], review=review, text="The final report.", findings="Information was not shared.",
        recommendations=[
            {"what": "Share injury reports within a day", "owner": "NHS trust", "due_on": later},
            {"what": "Joint training on bruising in non-mobile babies", "owner": "Partnership", "due_on": later},
            {"what": "Audit strategy discussions", "owner": "Children's social care", "due_on": later},
        ],
    )  # fmt: skip
    return services.review_sign_off(
        actor=people["icb"],
        review=review,
        signed_off_by="Assurance group: A, B and C",
        signed_off_on=timezone.localdate(),
    )


def test_a_final_report_with_three_recommendations_is_signed_off_and_cannot_change_without_a_new_version(people):
    review = signed_off(people)
    assert review.state == ReviewState.SIGNED_OFF
    final = review.report_versions.get(final=True)
    assert [(r.number, r.owner) for r in final.recommendations.all()] == [
        (1, "NHS trust"), (2, "Partnership"), (3, "Children's social care"),
    ]  # fmt: skip
    with pytest.raises(IllegalTransition):
        services.review_final_submit(
            actor=people["reviewer"], review=review, text="x", findings="y", recommendations=[]
        )
    services.review_new_version(actor=people["manager"], review=review)
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT_REPORT and review.signed_off_on is None
    assert review.report_versions.filter(final=True).count() == 1  # the signed-off version is kept as it was


def test_a_recommendation_without_an_owner_or_a_date_is_refused_against_its_row(people):
    review = in_progress(people, terms_agreed(people, commissioned(people, review_of(people))))
    services.review_draft_share(actor=people["reviewer"], review=review, text="Draft one.")
    review.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        services.review_final_submit(
            actor=people["reviewer"], review=review, text="Final.", findings="Findings.",
            recommendations=[{"what": "Train staff", "owner": "", "due_on": None}],
        )  # fmt: skip
    assert set(refused.value.field_errors) == {"recommendations-0-owner", "recommendations-0-due_on"}
    assert not review.report_versions.filter(final=True).exists()


def test_a_hold_in_force_stops_the_report_being_ready_to_publish(people):
    review = signed_off(people)
    process = services.review_process_record(
        actor=people["manager"], review=review, kind="inquest", lead_contact="Coroner's officer", hold=True,
        hold_from=timezone.localdate(), hold_reason="Inquest opened", hold_approved_by="Review group",
    )  # fmt: skip
    with pytest.raises(IllegalTransition, match="on hold"):
        services.review_mark_ready(actor=people["manager"], review=review)
    with time_machine.travel(timezone.localdate() + datetime.timedelta(days=3), tick=False):
        services.review_hold_lift(actor=people["manager"], process=process, lifted_on=timezone.localdate())
        review.refresh_from_db()
        services.review_mark_ready(actor=people["manager"], review=review)
    review.refresh_from_db()
    assert review.state == ReviewState.READY_TO_PUBLISH


def test_a_person_of_another_partnership_cannot_touch_the_review(people, make_partnership, make_user):
    from cspr.partnerships.roles import Role

    review = review_of(people)
    stranger = make_user(Role.BUSINESS_MANAGER, make_partnership("Elsewhere"))
    with pytest.raises(NotFound):
        services.review_commission(
            actor=stranger, review=review, reviewer=people["reviewer"], competences=ALL_COMPETENT,
            conflict="none", commissioned_on=timezone.localdate(),
        )  # fmt: skip
