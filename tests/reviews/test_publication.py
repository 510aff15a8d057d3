"""Publishing a signed-off report safely (issue 14, DOMAIN.md step 10), through the services: the plan, the copies
and the 7-working-day rule, the redaction check with a person deciding each finding, the PDF cspr writes (read
back independently), the case and the review moving to published, the public page, the NSPCC copy, a request
once the year on the website is over, and an improvements-only publication reaching its end."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.cases.models import CaseDate, CaseState
from cspr.core.errors import IllegalTransition, NotFound, ValidationFailed
from cspr.library.extract import extract_bytes
from cspr.library.models import Report
from cspr.reviews import publication, selectors, services
from cspr.reviews.models import LocalReview, Publication, RedactionFinding, ReviewState
from tests.cases.conftest import local_review_case
from tests.reviews.conftest import commissioned, in_progress, terms_agreed

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)  # a Monday in term time, no bank holiday near

REPORT = (
    "Background\n\n"
    "Baby Example was born on {dob:%-d %B %Y} and lived with his mother and his brother Tom Example at "
    "14 Elm Road, Leeds LS6 2AB. The health visitor rang the family on 07700 900123 and e-mailed "
    "mum.example@example.com about missed appointments.\n\n"
    "What happened\n\n"
    "Northshire Police held information about the mother's partner that was not shared with the health visitor."
)


def signed_off_review(people: dict[str, Any]) -> LocalReview:
    case = local_review_case(people)
    review = in_progress(people, terms_agreed(people, commissioned(people, LocalReview.objects.get(case=case))))
    services.review_draft_share(actor=people["reviewer"], review=review, text="Draft one.")
    child = case.children.get()
    services.review_final_submit(
        actor=people["reviewer"], review=review, text=REPORT.format(dob=child.date_of_birth),
        findings="Information about the adults around Baby Example was held by police and never shared.",
        recommendations=[{"what": "Share injury reports within a day", "owner": "NHS trust",
                          "due_on": timezone.localdate() + datetime.timedelta(days=180)}],
    )  # fmt: skip
    services.review_sign_off(
        actor=people["icb"], review=review, signed_off_by="Assurance group", signed_off_on=timezone.localdate()
    )
    review.refresh_from_db()
    return review


def copies(people: dict[str, Any], review: LocalReview, on: datetime.date, *, justification: bool = False) -> None:
    for recipient in ("panel", "secretary_of_state", "ofsted"):
        publication.publication_copy_record(
            actor=people["manager"], review=review, recipient=recipient, what="full_report", sent_on=on,
            how="secure_email",
        )  # fmt: skip
        if justification and recipient != "ofsted":
            publication.publication_copy_record(
                actor=people["manager"], review=review, recipient=recipient, what="justification", sent_on=on,
                how="secure_email",
            )  # fmt: skip


def decide_all(people: dict[str, Any], review: LocalReview, keep: set[str]) -> Publication:
    plan = publication.plan_of(review)
    assert plan is not None
    decisions = {f.pk: ("rejected" if f.text in keep else "accepted", f.replacement) for f in plan.findings.all()}
    return publication.redaction_decide(actor=people["manager"], review=review, decisions=decisions)


def normalised(text: str) -> str:
    return " ".join(text.split())


def test_a_signed_off_report_is_published_with_the_accepted_personal_data_replaced_and_the_rejected_kept(people):
    with time_machine.travel(START, tick=False):
        review = signed_off_review(people)
        plan = publication.publication_plan(actor=people["manager"], review=review, mode="full")
        # The case's own identifiers are in the register without anyone typing them.
        child = review.case.children.get()
        register = {(e.category, e.value, e.replacement) for e in review.pseudonyms.all()}
        assert ("name", "Baby Example", child.pseudonym) in register
        assert ("date_of_birth", child.date_of_birth.isoformat(), "[date of birth]") in register
        assert ("reference", review.case.reference, "[reference]") in register
        publication.pseudonym_add(
            actor=people["manager"], review=review, category="family_member", value="Tom Example",
            replacement="Sibling 1",
        )  # fmt: skip
        publication.pseudonym_add(
            actor=people["manager"], review=review, category="address", value="14 Elm Road, Leeds LS6 2AB",
            replacement="[address]",
        )  # fmt: skip
        found = {f.text: f for f in plan.findings.all()}
        assert "Tom Example" in found and found["Tom Example"].replacement == "Sibling 1"
        assert any("07700 900123" in t for t in found) and any("mum.example@example.com" in t for t in found)
        assert "Baby Example" in found or any("Baby Example" in t for t in found)
        services.review_mark_ready(actor=people["manager"], review=review)
        # Not yet: no copies, nothing checked.
        with pytest.raises(IllegalTransition, match="copies"):
            publication.publication_publish(actor=people["manager"], review=review, published_on=timezone.localdate())
        copies(people, review, timezone.localdate())
        with pytest.raises(IllegalTransition, match="personal data"):
            publication.publication_publish(actor=people["manager"], review=review, published_on=timezone.localdate())
        kept = "mum.example@example.com"
        decide_all(people, review, keep={kept})
        plan.refresh_from_db()
        earliest = publication.earliest_date(plan)
        assert earliest is not None and earliest > timezone.localdate()
    with time_machine.travel(datetime.datetime.combine(earliest, datetime.time(10), tzinfo=datetime.UTC), tick=False):
        too_soon = earliest - datetime.timedelta(days=1)
        with pytest.raises(ValidationFailed) as refused:
            publication.publication_publish(actor=people["manager"], review=review, published_on=too_soon)
        assert f"{earliest:%-d %B %Y}" in refused.value.field_errors["published_on"]
        assert not Publication.objects.filter(pk=plan.pk, published_on__isnull=False).exists()
        publication.publication_publish(actor=people["manager"], review=review, published_on=earliest)
    review.refresh_from_db()
    plan.refresh_from_db()
    assert review.state == ReviewState.PUBLISHED and review.case.state == CaseState.PUBLISHED
    assert plan.public_until is not None and plan.public_until > earliest
    # Read the published PDF back with the library's extractor, independent of the writer.
    text = normalised(" ".join(b.text for b in extract_bytes(bytes(plan.published_file), name="r.pdf").blocks))
    accepted = [f.text for f in plan.findings.filter(decision=RedactionFinding.Decision.ACCEPTED)]
    assert accepted and all(normalised(t) not in text for t in accepted), accepted
    assert kept in text
    assert "Sibling 1" in text and people["reviewer"].full_name in text
    assert "Baby Example" not in text and "Tom Example" not in text and "07700 900123" not in text
    report = Report.objects.get(pk=plan.library_report_id)
    assert report.is_public and report.reviewer == plan.reviewer_name and "Baby Example" not in report.title
    dates = dict(CaseDate.objects.filter(case=review.case).values_list("event", "date"))
    assert dates["published"] == earliest and dates["final_report_sent"] < earliest
    assert AuditEvent.objects.filter(action="review.redaction_checked").exists()
    assert AuditEvent.objects.filter(action="review.report_published").exists()


def published(people: dict[str, Any], mode: str = "full") -> tuple[LocalReview, Publication]:
    with time_machine.travel(START, tick=False):
        review = signed_off_review(people)
        publication.publication_plan(
            actor=people["manager"], review=review, mode=mode,
            justification="The family asked that the details of the child's life are not published." if mode == "improvements" else "",
        )  # fmt: skip
        services.review_mark_ready(actor=people["manager"], review=review)
        copies(people, review, timezone.localdate(), justification=mode == "improvements")
        decide_all(people, review, keep=set())
        plan = publication.plan_of(review)
        assert plan is not None
        earliest = publication.earliest_date(plan)
        assert earliest is not None
    with time_machine.travel(datetime.datetime.combine(earliest, datetime.time(10), tzinfo=datetime.UTC), tick=False):
        publication.publication_publish(actor=people["manager"], review=review, published_on=earliest)
    review.refresh_from_db()
    plan.refresh_from_db()
    return review, plan


def test_an_improvements_only_publication_reaches_its_end_with_the_justification_sent(people):
    review, plan = published(people, mode="improvements")
    assert review.state == ReviewState.PUBLISHED and plan.mode == "improvements"
    text = normalised(" ".join(b.text for b in extract_bytes(bytes(plan.published_file), name="r.pdf").blocks))
    assert "Improvements to be made" in text and "Share injury reports within a day" in text
    assert "Background" not in text and "health visitor rang" not in text  # the full report is not published
    assert set(plan.copies.values_list("recipient", "what")) >= {
        ("panel", "justification"), ("secretary_of_state", "justification"),
    }  # fmt: skip


def test_improvements_only_needs_a_justification_and_the_justification_copies(people):
    with time_machine.travel(START, tick=False):
        review = signed_off_review(people)
        with pytest.raises(ValidationFailed) as refused:
            publication.publication_plan(actor=people["manager"], review=review, mode="improvements")
        assert "justification" in refused.value.field_errors
        assert not Publication.objects.filter(review=review).exists()
        publication.publication_plan(
            actor=people["manager"], review=review, mode="improvements", justification="Family's wishes."
        )
        services.review_mark_ready(actor=people["manager"], review=review)
        copies(people, review, timezone.localdate())  # the full report only
        with pytest.raises(IllegalTransition, match="copies"):
            publication.publication_publish(actor=people["manager"], review=review, published_on=timezone.localdate())


def test_a_copy_dated_before_the_sign_off_or_in_the_future_is_refused_and_nothing_stored(people):
    with time_machine.travel(START, tick=False):
        review = signed_off_review(people)
        publication.publication_plan(actor=people["manager"], review=review, mode="full")
        for sent_on in (
            timezone.localdate() - datetime.timedelta(days=1),
            timezone.localdate() + datetime.timedelta(days=1),
        ):
            with pytest.raises(ValidationFailed) as refused:
                publication.publication_copy_record(
                    actor=people["manager"], review=review, recipient="panel", what="full_report", sent_on=sent_on,
                    how="post",
                )  # fmt: skip
            assert "sent_on" in refused.value.field_errors
        with pytest.raises(ValidationFailed) as refused:
            publication.publication_copy_record(
                actor=people["manager"], review=review, recipient="nspcc", what="full_report",
                sent_on=timezone.localdate(), how="post",
            )  # fmt: skip
        assert "recipient" in refused.value.field_errors
        assert not publication.plan_of(review).copies.exists()  # type: ignore[union-attr]


def test_the_nspcc_copy_meets_its_milestone_and_the_public_page_lists_the_report(people):
    review, plan = published(people)
    assert plan.published_on is not None
    with time_machine.travel(datetime.datetime.combine(plan.published_on, datetime.time(12), tzinfo=datetime.UTC)):
        publication.publication_copy_record(
            actor=people["manager"], review=review, recipient="nspcc", what="", sent_on=plan.published_on,
            how="portal",
        )  # fmt: skip
        from cspr.cases.clocks import clock_rows

        nspcc = next(r for r in clock_rows(review.case) if r["id"] == "nspcc-copy")
        assert nspcc["status"] == "met"
        partnership, items = selectors.public_publications(slug=review.case.partnership.slug)
        assert partnership is not None and [i.pk for i in items] == [plan.pk]
        assert items[0].on_website and items[0].reviewer == plan.reviewer_name


def test_after_its_year_on_the_website_the_report_is_available_on_request_and_the_request_reaches_the_manager(
    people, django_capture_on_commit_callbacks
):
    review, plan = published(people)
    assert plan.public_until is not None
    with pytest.raises(NotFound):  # still on the website: nothing to ask for yet
        publication.report_request_create(publication_id=plan.pk, name="A Reader", email="reader@example.com")
    with time_machine.travel(
        datetime.datetime.combine(plan.public_until, datetime.time(12), tzinfo=datetime.UTC), tick=False
    ):
        item = selectors.public_publication(slug=review.case.partnership.slug, publication_id=plan.pk)
        assert item is not None and not item.on_website
        with pytest.raises(ValidationFailed) as refused:
            publication.report_request_create(publication_id=plan.pk, name="", email="not an address")
        assert set(refused.value.field_errors) == {"name", "email"}
        with django_capture_on_commit_callbacks(execute=True):
            publication.report_request_create(
                publication_id=plan.pk, name="A Reader", email="reader@example.com", reason="Training"
            )
    made = plan.requests.get()
    assert made.email == "reader@example.com"
    assert [m for m in mail.outbox if people["manager"].email in m.to]
    assert "reader@example.com" not in mail.outbox[-1].body  # a link only: the request stays in cspr


def test_a_new_version_of_the_report_discards_the_unpublished_plan(people):
    with time_machine.travel(START, tick=False):
        review = signed_off_review(people)
        publication.publication_plan(actor=people["manager"], review=review, mode="full")
        services.review_new_version(actor=people["manager"], review=review)
    assert not Publication.objects.filter(review=review).exists()
    assert AuditEvent.objects.filter(action="review.publication_plan_discarded").exists()


def test_a_finding_kept_as_a_pattern_is_asked_again_once_it_is_in_the_register(people):
    email = "mum.example@example.com"
    with time_machine.travel(START, tick=False):
        review = signed_off_review(people)
        plan = publication.publication_plan(actor=people["manager"], review=review, mode="full")
        kept = next(f for f in plan.findings.all() if f.text == email)  # (the text is encrypted)
        assert kept.source == "pattern"  # found by its pattern: the case does not hold it yet
        decide_all(people, review, keep={email})
        plan.refresh_from_db()
        assert plan.redaction_checked_at is not None
        publication.pseudonym_add(
            actor=people["manager"], review=review, category="family_member", value=email, replacement="[e-mail]"
        )
        plan.refresh_from_db()
        again = next(f for f in plan.findings.all() if f.text == email)
        assert (again.source, again.decision, again.replacement) == ("case", "pending", "[e-mail]")
        assert plan.redaction_checked_at is None
        # Decisions for the findings as they were before the new check are refused whole, not shifted.
        stale = {kept.pk: ("accepted", "")}
        with pytest.raises(ValidationFailed) as refused:
            publication.redaction_decide(actor=people["manager"], review=review, decisions=stale)
        assert "checked again" in refused.value.field_errors["findings"]


def test_a_title_with_the_childs_name_is_refused(people):
    with time_machine.travel(START, tick=False):
        review = signed_off_review(people)
        publication.publication_plan(actor=people["manager"], review=review, mode="full")
        with pytest.raises(ValidationFailed) as refused:
            publication.publication_plan(
                actor=people["manager"], review=review, mode="full", title="The review of Baby Example"
            )
        assert "Baby Example" in refused.value.field_errors["title"]


def test_the_public_request_form_takes_one_request_an_address_and_refuses_a_flood(
    people, django_capture_on_commit_callbacks
):
    from cspr.core.errors import TooManyAttempts

    _, plan = published(people)
    assert plan.public_until is not None
    moment = datetime.datetime.combine(plan.public_until, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        first = publication.report_request_create(publication_id=plan.pk, name="A", email="a@example.com")
        sent = len(mail.outbox)
        again = publication.report_request_create(publication_id=plan.pk, name="A", email="A@example.com")
        assert again.pk == first.pk and len(mail.outbox) == sent  # the same request: no second e-mail
        for n in range(1, publication.MAX_REQUESTS_A_DAY):
            publication.report_request_create(publication_id=plan.pk, name="B", email=f"b{n}@example.com")
        with pytest.raises(TooManyAttempts):
            publication.report_request_create(publication_id=plan.pk, name="C", email="c@example.com")
    assert plan.requests.count() == publication.MAX_REQUESTS_A_DAY
