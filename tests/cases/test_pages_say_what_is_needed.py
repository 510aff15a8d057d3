"""Issue 12, item 3: pages that say what a person needs, where they need it. The majority page shows the votes,
the advice and the outcome (or that there is none); a second round shows the Panel's challenge; the family
letter speaks plainly to a family whose child died or survived; "Where the case is" ticks off what is done;
every form reports all its errors at once and never drops a chosen file silently; the referral's child and
incident carry into the notification and a future incident date is refused; the Panel's inbox says when each
case came and when the rapid review is due, with the partnership beside the reference."""

from __future__ import annotations

import datetime
import re
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cspr.cases import documents, services
from cspr.cases.models import Attachment, Case, Decision, Notification
from tests.cases.conftest import notified_case, ready_case
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def media(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def _vote(chain: dict[str, Any], case: Case, **options: str) -> None:
    for who, option in options.items():
        services.decision_record_vote(actor=chain[who], case=case, option=option, rationale=f"{who} INTERNAL reason")


def disagreed(chain: dict[str, Any]) -> Case:
    """Three different votes, and the scrutineer's advice: the partners reconsider."""
    case = ready_case(chain)
    _vote(chain, case, la="local_review", police="no_review", icb="learning_review")
    services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=case, advice="Consider criterion (c)")
    return case


def decided(chain: dict[str, Any]) -> Case:
    case = ready_case(chain)
    _vote(chain, case, la="local_review", police="local_review", icb="local_review")
    case.refresh_from_db()
    return case


def challenged(chain: dict[str, Any]) -> Case:
    """Decided, sent to the Panel, and challenged by it: the partners' second round is open."""
    case = decided(chain)
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    case.refresh_from_db()
    services.panel_response_record(
        actor=chain["panel"],
        case=case,
        response="challenge",
        national_review="considering",
        responded_on=timezone.localdate(),
        reasons="PANEL-REASON: the health visitor's concerns were not weighed",
    )
    case.refresh_from_db()
    return case


def page(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return unescape(response.content.decode())


# --- the majority page -----------------------------------------------------------------------------------------


def test_majority_page_shows_each_vote_the_advice_and_the_outcome_the_majority_gives(chain):
    case = disagreed(chain)
    services.decision_record_vote(actor=chain["police"], case=case, option="local_review", rationale="Persuaded")
    body = page(verified_client(chain["manager"]), f"/cases/{case.pk}/decision/majority/")
    assert "The majority gives: Local child safeguarding practice review" in body
    assert "2 of the 3 partners (Local authority, Police) vote for it" in body
    assert "Consider criterion (c)" in body  # the scrutineer's advice
    assert "Persuaded" in body and "changed after the advice" in body  # the police's standing vote
    assert "icb INTERNAL reason" in body and 'name="rationale"' in body
    assert "There is no majority" not in body


def test_majority_page_says_there_is_no_majority_before_anything_is_typed(chain):
    case = disagreed(chain)
    body = page(verified_client(chain["la"]), f"/cases/{case.pk}/decision/majority/")
    assert "There is no majority: no two partners agree" in body
    assert 'name="rationale"' not in body  # nothing to type that could not be recorded
    assert "The majority gives" not in body


def test_majority_recorded_is_the_outcome_the_page_showed(chain):
    case = disagreed(chain)
    services.decision_record_vote(actor=chain["icb"], case=case, option="no_review", rationale="Agree with police")
    shown = services.majority_outcome(Decision.objects.get(case=case))
    assert shown.option == "no_review" and shown.partners == ("police", "icb")
    response = verified_client(chain["manager"]).post(
        f"/cases/{case.pk}/decision/majority/", {"rationale": "The majority found no new learning"}
    )
    assert response.status_code == 302
    decision = Decision.objects.get(case=case)
    assert decision.outcome == "no_review" and decision.method == "majority"


# --- a second round after the Panel's challenge ---------------------------------------------------------------


def test_second_round_vote_advice_and_justification_pages_show_the_panels_challenge_and_reasons(chain):
    case = challenged(chain)
    challenge = "PANEL-REASON: the health visitor's concerns were not weighed"
    assert challenge in page(verified_client(chain["scrutineer"]), f"/cases/{case.pk}/decision/advice/")
    services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=case, advice="Meet again")
    vote = page(verified_client(chain["la"]), f"/cases/{case.pk}/decision/vote/")
    assert challenge in vote and "Vote again after the Panel's challenge" in vote
    _vote(chain, case, la="local_review", police="local_review", icb="local_review")
    justification = page(verified_client(chain["manager"]), f"/cases/{case.pk}/decision/justification/")
    assert challenge in justification and 'id="panel-challenge"' in justification


def test_first_round_pages_show_no_challenge(chain):
    case = ready_case(chain)
    assert 'id="panel-challenge"' not in page(verified_client(chain["la"]), f"/cases/{case.pk}/decision/vote/")


# --- the family letter -------------------------------------------------------------------------------------------


def test_family_letter_suggests_plain_words_without_the_partners_reasons_or_jargon(chain):
    case = decided(chain)
    suggested = documents.family_letter_defaults(case, chain["manager"])
    text = suggested["rationale"] + " " + suggested["what_happens_next"]
    assert "INTERNAL reason" not in text  # the partners' own reasons stay on the case
    for jargon in ("criteria", "criterion", "(a)", "scrutineer", "regulation", "LCSPR", "statutory"):
        assert jargon.lower() not in text.lower(), jargon
    assert "Baby" in suggested["rationale"]  # the child by their first name


def test_family_letter_wording_fits_a_child_who_survived_and_one_who_died(chain):
    case = decided(chain)  # notified as serious harm
    harmed = documents.family_letter_defaults(case, chain["manager"])["rationale"]
    assert "seriously hurt" in harmed and "died" not in harmed
    assert "died" not in documents.family_letter_intro(case) and "grieving" not in documents.family_letter_intro(case)
    Notification.objects.filter(case=case).update(nature="death")
    died = documents.family_letter_defaults(case, chain["manager"])["rationale"]
    assert "After Baby died" in died and "hurt" not in died
    assert "whose child has died" in documents.family_letter_intro(case)


def test_family_letter_page_previews_the_letter_with_what_was_typed(chain):
    case = decided(chain)
    client = verified_client(chain["manager"])
    first = page(client, f"/cases/{case.pk}/family-letter/")
    assert 'id="letter-preview"' in first and "Dear [their name]," in first
    response = client.post(
        f"/cases/{case.pk}/family-letter/",
        {
            "action": "preview",
            "addressee": "Ms A Parent",
            "salutation": "Ms Parent",
            "child_first_name": "Sam",
            "rationale": "We want to learn from what happened to Sam.",
            "what_happens_next": "A reviewer will contact you.",
            "contact_name": "Priya Shah",
            "contact_role": "Business manager",
            "contact_email": "priya@example.gov.uk",
            "fmt": "docx",
        },
    )
    body = unescape(response.content.decode())
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")  # not a download
    assert "Dear Ms Parent," in body and "We want to learn from what happened to Sam." in body


# --- "Where the case is" -----------------------------------------------------------------------------------------


def test_where_the_case_is_ticks_off_done_steps_and_marks_the_current_stage(chain):
    case = disagreed(chain)
    body = page(verified_client(chain["manager"]), f"/cases/{case.pk}/")
    progress = body[body.index('id="case-progress"') : body.index("</ol>", body.index('id="case-progress"'))]
    items = progress.split("<li")[1:]
    done = [i for i in items if "Done" in i]
    current = [i for i in items if 'aria-current="step"' in i]
    assert any("Notification sent to the Panel" in i for i in done)
    assert any("Rapid review written and sent to the decision makers" in i for i in done)
    assert len(current) == 1 and "Partners decided whether to review" in current[0]
    assert "Stage now: Partners deciding on a review" in current[0]
    assert not any("Done" in i for i in items if "sent to the Panel</" in i and "Rapid review and decision" in i)


def test_where_the_case_is_follows_the_case_to_the_panel(chain):
    case = decided(chain)
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    body = page(verified_client(chain["manager"]), f"/cases/{case.pk}/")
    progress = body[body.index('id="case-progress"') :]
    current = progress[progress.index('aria-current="step"') :][:400]
    assert "The Panel responded" in current and "Sent to the Panel, awaiting its response" in current


# --- every error in one round ------------------------------------------------------------------------------------


def test_referral_reports_a_missing_answer_and_a_future_incident_date_together(chain):
    response = verified_client(chain["health"]).post(
        "/cases/referrals/new/",
        {
            "partnership": chain["partnership"].slug,
            "incident_date-day": TOMORROW.day,
            "incident_date-month": TOMORROW.month,
            "incident_date-year": TOMORROW.year,
            "who_was_harmed": "Baby, 4 months",
            "what_happened": "",
        },
    )
    body = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Describe what happened" in body
    assert "The date of the incident must be today or in the past" in body
    assert not Case.objects.exists()


def test_panel_response_reports_every_error_in_one_round(chain):
    case = decided(chain)
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    response = verified_client(chain["panel"]).post(
        f"/cases/{case.pk}/panel-response/",
        {
            "response": "challenge",
            "reasons": "",
            "responded_on-day": TOMORROW.day,
            "responded_on-month": TOMORROW.month,
            "responded_on-year": TOMORROW.year,
        },
    )
    body = unescape(response.content.decode())
    assert "Say whether the Panel will carry out a national review" in body  # the form's own error
    assert "Give the Panel's reasons for challenging the decision" in body  # the service's, in the same round
    assert "The date of the response must be today or in the past" in body


def test_notification_reports_form_and_service_errors_together(chain):
    from cspr.cases.services import case_open

    case = case_open(actor=chain["manager"], partnership=chain["partnership"], summary="x")
    response = verified_client(chain["manager"]).post(
        f"/cases/{case.pk}/notification/",
        {
            "version": case.version,
            "incident_time": "half past two",  # the form's error
            "la_became_aware-day": TOMORROW.day,  # the service's
            "la_became_aware-month": TOMORROW.month,
            "la_became_aware-year": TOMORROW.year,
            "child-1-date_of_birth-day": TOMORROW.day,  # the service's, on the child: no name, born tomorrow
            "child-1-date_of_birth-month": TOMORROW.month,
            "child-1-date_of_birth-year": TOMORROW.year,
        },
    )
    body = unescape(response.content.decode())
    assert "Enter a time like 14:30" in body
    assert "The date the local authority became aware must be today or in the past" in body
    assert "Enter child 1's name" in body
    assert "Child 1's date of birth must be today or in the past" in body


def test_a_chosen_file_is_asked_for_again_when_another_answer_has_a_problem(chain, media):
    case = notified_case(chain)
    from tests.fixtures import hostile

    response = verified_client(chain["manager"]).post(
        f"/cases/{case.pk}/attachments/new/",
        {"file": SimpleUploadedFile("minutes.docx", hostile.good_docx()), "description": "x" * 501},
    )
    body = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Select the file again" in body and 'href="#id_file"' in body  # in the error summary, linked
    assert not Attachment.objects.exists()


# --- the referral's child and incident, and the future ---------------------------------------------------------


def test_the_referrals_child_and_incident_carry_into_the_notification(chain):
    referred = services.referral_submit(
        actor=chain["health"],
        partnership=chain["partnership"],
        what_happened="Fractures found",
        who_was_harmed="Jamie Example, 4 months, Riverside",
        incident_date=timezone.localdate(),
    )
    services.referral_screen(actor=chain["manager"], case=referred, outcome="notification", reasons="Serious harm")
    body = page(verified_client(chain["manager"]), f"/cases/{referred.pk}/notification/")
    assert 'name="child-1-name"' in body and 'value="Jamie Example, 4 months, Riverside"' in body
    assert 'id="referral-child"' in body
    today = timezone.localdate()
    assert f'name="incident_date-day" type="text" value="{today.day}"' in body or f'value="{today.day}"' in body


def test_a_future_incident_date_is_refused_through_the_api_with_a_clear_message(chain):
    from django.test import Client

    from cspr.partnerships.services import api_token_create

    _, token = api_token_create(actor=chain["manager"], name="test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.post(
        "/api/v1/cases/referrals",
        {
            "partnership": chain["partnership"].slug,
            "what_happened": "x",
            "who_was_harmed": "y",
            "incident_date": TOMORROW.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "The date of the incident must be today or in the past" in response.content.decode()
    assert not Case.objects.exists()
    case = notified_case(chain)
    response = api.put(
        f"/api/v1/cases/{case.pk}/notification",
        {"version": 1, "fields": {"incident_date": TOMORROW.isoformat()}, "children": []},
        content_type="application/json",
    )
    assert response.status_code in {409, 422}, response.content


# --- the Panel's inbox -----------------------------------------------------------------------------------------


def test_panel_inbox_shows_when_each_case_came_when_its_rapid_review_is_due_and_the_partnership(
    chain, make_partnership, make_user
):
    from cspr.cases.models import CaseClock

    case = notified_case(chain)
    due = CaseClock.objects.get(case=case, milestone="rapid-review").effective_due
    body = page(verified_client(chain["panel"]), "/panel/")
    link = body.index(f'href="/cases/{case.pk}/"')
    row = re.sub(r"<[^>]+>", "", body[body.rindex("<tr", 0, link) : body.index("</tr>", link)])
    assert chain["partnership"].name in row  # beside the reference, in the same cell
    assert f"{case.notification.sent_on:%-d %B %Y}" in row
    assert f"Due {due:%-d %B %Y}" in row
