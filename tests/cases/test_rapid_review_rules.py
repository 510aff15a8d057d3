"""Rules of the rapid review workspace (DOMAIN.md step 3): reasons for the criteria and the circumstances to
weigh, agency requests never sent already overdue, reminders that survive one failed e-mail, and chronology
entries and immediate actions that can be corrected until the rapid review goes to the Panel."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.clocks import due_date_for
from cspr.cases.models import AgencyRequest, CaseState, Episode, ImmediateAction, RapidReview
from cspr.cases.rules.regulation11 import CIRCUMSTANCES
from cspr.cases.services.rapid_review import LATE_REQUEST_WORKING_DAYS, record_version
from cspr.core.errors import IllegalTransition, NotAllowed, NotFound, StaleEdit, ValidationFailed
from cspr.timescales import WorkingCalendar
from tests.cases.conftest import ALL_CRITERIA, notified_case, ready_case, working_days_ago
from tests.cases.test_drafts import fields_of

pytestmark = pytest.mark.django_db
CAL = WorkingCalendar("england")


def _update_criteria(chain: dict[str, Any], case: Any, criteria: dict[str, dict[str, str]]) -> RapidReview:
    return services.rapid_review_update(
        actor=chain["manager"],
        case=case,
        version=RapidReview.objects.get(case=case).version,
        sections={},
        criteria=criteria,
    )


# --- reasons for the criteria and the circumstances to weigh -----------------------------------------------


@pytest.mark.parametrize("answer", ["yes", "maybe"])
def test_a_circumstance_that_applies_without_reasons_is_refused_naming_it(chain, answer):
    case = notified_case(chain)
    with pytest.raises(ValidationFailed) as exc:
        _update_criteria(chain, case, {"one_agency": {"answer": answer, "reasons": "  "}})
    message = exc.value.field_errors["criterion_one_agency_reasons"]
    assert dict(CIRCUMSTANCES)["one_agency"] in message and answer in message


def test_a_circumstance_answered_no_needs_no_reasons(chain):
    case = notified_case(chain)
    rr = _update_criteria(chain, case, {"institutional": {"answer": "no", "reasons": ""}})
    assert rr.criteria["institutional"] == {"answer": "no", "reasons": ""}


def test_a_criterion_without_reasons_is_refused_naming_its_letter(chain):
    case = notified_case(chain)
    with pytest.raises(ValidationFailed) as exc:
        _update_criteria(chain, case, {"c": {"answer": "no", "reasons": ""}})
    assert "criterion (c)" in exc.value.field_errors["criterion_c_reasons"]


def test_the_rapid_review_page_shows_the_missing_reasons_against_the_circumstance(chain, client_for):
    case = notified_case(chain)
    rr = RapidReview.objects.get(case=case)
    page = client_for(chain["manager"]).post(
        f"/cases/{case.pk}/rapid-review/",
        {"version": rr.version, "criterion_several_areas_answer": "maybe", "criterion_several_areas_reasons": ""},
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert 'href="#id_criterion_several_areas_reasons"' in body  # the error summary links to the field
    assert "Give the reasons for answering maybe to" in body


def test_the_partners_decide_only_once_every_criterion_and_circumstance_is_answered(chain):
    case = notified_case(chain)
    only_abcd = {code: ALL_CRITERIA[code] for code in "abcd"}
    services.rapid_review_update(
        actor=chain["manager"],
        case=case,
        version=RapidReview.objects.get(case=case).version,
        sections={"recommendation": "local_review", "recommendation_reasons": "Agencies did not share"},
        criteria=only_abcd,
    )
    with pytest.raises(IllegalTransition) as exc:
        services.rapid_review_submit_for_decision(actor=chain["manager"], case=case)
    assert "circumstance to weigh" in exc.value.message
    assert dict(CIRCUMSTANCES)["institutional"] in exc.value.message
    _update_criteria(chain, case, {code: {"answer": "no", "reasons": ""} for code, _ in CIRCUMSTANCES})
    services.rapid_review_submit_for_decision(actor=chain["manager"], case=case)
    case.refresh_from_db()
    assert case.state == CaseState.DECISION


def test_the_decision_guard_refuses_a_stored_circumstance_without_its_reasons(chain):
    """Answers stored before reasons were required for circumstances still stop the move to decision."""
    case = notified_case(chain)
    RapidReview.objects.filter(case=case).update(
        recommendation="local_review",
        recommendation_reasons="Agencies did not share",
        criteria={**ALL_CRITERIA, "one_agency": {"answer": "yes", "reasons": ""}},
    )
    with pytest.raises(IllegalTransition, match="single agency"):
        services.rapid_review_submit_for_decision(actor=chain["manager"], case=case)


# --- agency requests: never sent already overdue -----------------------------------------------------------


def _request(chain: dict[str, Any], case: Any, **kwargs: Any) -> AgencyRequest:
    return services.agency_request_create(
        actor=chain["manager"],
        case=case,
        organisation=chain["orgs"]["nhs_trust"],
        contributor=kwargs.pop("contributor", chain["health"]),
        shared_facts="Facts",
        **kwargs,
    )


def _proposed() -> datetime.date:
    return CAL.add_working_days(timezone.localdate(), LATE_REQUEST_WORKING_DAYS)


def test_a_request_after_working_day_10_without_a_date_is_refused_proposing_one(chain):
    case = notified_case(chain, aware_days_ago=16, sent_days_ago=14)  # working day 10 was 4 working days ago
    with pytest.raises(ValidationFailed) as exc:
        _request(chain, case)
    message = exc.value.field_errors["due_date"]
    assert "Working day 10 of the rapid review was" in message and "which has passed" in message
    assert f"{_proposed():%-d %B %Y}" in message
    assert not AgencyRequest.objects.filter(case=case).exists()


def test_a_typed_due_date_in_the_past_is_refused_proposing_a_date(chain):
    case = notified_case(chain)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        _request(chain, case, due_date=yesterday)
    message = exc.value.field_errors["due_date"]
    assert f"The due date {yesterday:%-d %B %Y} has passed" in message and f"{_proposed():%-d %B %Y}" in message


def test_a_request_before_working_day_10_is_due_on_working_day_10(chain):
    case = notified_case(chain, aware_days_ago=6, sent_days_ago=4)
    item = _request(chain, case)
    assert item.due_date == due_date_for(case, "agency-summaries") == CAL.add_working_days(working_days_ago(4), 10)


def test_the_request_page_offers_the_proposed_date_once_working_day_10_has_passed(chain, client_for):
    case = notified_case(chain, aware_days_ago=16, sent_days_ago=14)
    body = client_for(chain["manager"]).get(f"/cases/{case.pk}/rapid-review/requests/new/").content.decode()
    proposed = _proposed()
    assert "which has passed" in body
    shown = fields_of(body).text
    assert [shown[f"due_date-{part}"] for part in ("day", "month", "year")] == [
        str(proposed.day),
        str(proposed.month),
        str(proposed.year),
    ]
    # Sent as offered, the request is accepted with that date.
    response = client_for(chain["manager"]).post(
        f"/cases/{case.pk}/rapid-review/requests/new/",
        {
            "organisation": chain["orgs"]["nhs_trust"].pk,
            "contributor": chain["health"].pk,
            "shared_facts": "Facts",
            "due_date-day": proposed.day,
            "due_date-month": proposed.month,
            "due_date-year": proposed.year,
        },
    )
    assert response.status_code == 302
    assert AgencyRequest.objects.get(case=case).due_date == proposed


# --- reminders: one failed e-mail does not stop the others -------------------------------------------------


def test_one_reminder_that_cannot_be_sent_does_not_stop_the_others(chain, monkeypatch, caplog):
    case = notified_case(chain)
    day = CAL.roll_forward(timezone.localdate())
    due = CAL.add_working_days(day, 2)
    refused = _request(chain, case, due_date=due)
    delivered = _request(chain, case, due_date=due, contributor=chain["health2"])
    real_send = services.rapid_review.send_mail

    def send(**kwargs: Any) -> int:
        if chain["health"].email in kwargs["recipient_list"]:
            raise ConnectionRefusedError(f"mail server refused {chain['health'].email}")
        return real_send(**kwargs)

    monkeypatch.setattr(services.rapid_review, "send_mail", send)
    mail.outbox.clear()
    with caplog.at_level(logging.WARNING, logger="cspr.cases.services.rapid_review"):
        run = services.agency_requests_remind(today=day)
    assert (run.sent, run.failed) == (1, 1)
    assert [m.to for m in mail.outbox] == [[chain["health2"].email]]
    refused.refresh_from_db()
    delivered.refresh_from_db()
    assert refused.reminders_sent == [] and delivered.reminders_sent == [day.isoformat()]  # retried next run
    assert str(refused.pk) in caplog.text and "ConnectionRefusedError" in caplog.text
    assert chain["health"].email not in caplog.text and case.pseudonym not in caplog.text  # rule 6
    # The next run sends the one that failed, and only that one.
    monkeypatch.setattr(services.rapid_review, "send_mail", real_send)
    assert services.agency_requests_remind(today=day) == services.rapid_review.ReminderRun(sent=1, failed=0)


# --- chronology entries and immediate actions: corrected until the rapid review is sent -------------------


def _episode(chain: dict[str, Any], case: Any) -> Episode:
    return services.episode_add(
        actor=chain["manager"],
        case=case,
        date=timezone.localdate() - datetime.timedelta(days=30),
        agency="Health visiting",
        what_happened="New birth visit",
    )


def _action(chain: dict[str, Any], case: Any) -> ImmediateAction:
    return services.immediate_action_add(actor=chain["manager"], case=case, action="Safety plan", by_whom="CSC")


def _audited(case: Any, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk), action=action))


def test_an_episode_is_changed_through_its_service_and_the_change_audited(chain):
    case = notified_case(chain)
    episode = _episode(chain, case)
    services.episode_update(
        actor=chain["manager"],
        case=case,
        episode=episode,
        version=record_version(episode),
        date=episode.date,
        agency="Health visiting",
        what_happened="New birth visit; mother alone",
        analysis="No question about other adults",
    )
    episode.refresh_from_db()
    assert episode.what_happened == "New birth visit; mother alone"
    (event,) = _audited(case, "rapid_review.episode_changed")
    assert event.changes["after"]["changed"] == ["analysis", "what_happened"]


def test_an_episode_is_removed_and_the_trail_keeps_that_it_existed(chain):
    case = notified_case(chain)
    episode = _episode(chain, case)
    services.episode_remove(actor=chain["manager"], case=case, episode=episode)
    assert not Episode.objects.filter(pk=episode.pk).exists()
    (event,) = _audited(case, "rapid_review.episode_removed")
    assert event.changes["before"]["episode"] == episode.pk


def test_an_immediate_action_is_changed_and_removed_with_audit(chain):
    case = notified_case(chain)
    item = _action(chain, case)
    services.immediate_action_update(
        actor=chain["manager"],
        case=case,
        immediate_action=item,
        version=record_version(item),
        action="Sibling placed with grandmother",
        by_whom="Children's social care",
        done_on=timezone.localdate(),
    )
    item.refresh_from_db()
    assert (item.action, item.by_whom) == ("Sibling placed with grandmother", "Children's social care")
    services.immediate_action_remove(actor=chain["manager"], case=case, immediate_action=item)
    assert not ImmediateAction.objects.filter(pk=item.pk).exists()
    assert _audited(case, "rapid_review.action_changed") and _audited(case, "rapid_review.action_removed")


def test_a_stale_episode_edit_is_refused_and_the_typed_text_kept(chain, client_for):
    case = notified_case(chain)
    episode = _episode(chain, case)
    url = f"/cases/{case.pk}/rapid-review/episodes/{episode.pk}/"
    opened_at = record_version(episode)
    services.episode_update(
        actor=chain["manager"],
        case=case,
        episode=episode,
        version=opened_at,
        date=episode.date,
        agency="Health visiting",
        what_happened="Someone else's correction",
    )
    d = episode.date
    page = client_for(chain["manager"]).post(
        url,
        {
            "version": opened_at,
            "date-day": d.day,
            "date-month": d.month,
            "date-year": d.year,
            "agency": "Health visiting",
            "what_happened": "My own careful wording",
        },
    )
    body = page.content.decode()
    assert page.status_code == 200 and "Someone else changed this episode" in body
    assert "My own careful wording" in body
    episode.refresh_from_db()
    assert episode.what_happened == "Someone else's correction"
    with pytest.raises(StaleEdit):
        services.episode_update(
            actor=chain["manager"],
            case=case,
            episode=episode,
            version=opened_at,
            date=d,
            agency="x",
            what_happened="y",
        )


@pytest.mark.parametrize("change", ["episode_update", "episode_remove", "action_update", "action_remove"])
def test_after_the_rapid_review_is_sent_entries_can_no_longer_change(chain, change):
    case = ready_case(chain)
    episode, item = _episode(chain, case), _action(chain, case)
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="Agreed")
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    case.refresh_from_db()
    calls = {
        "episode_update": lambda: services.episode_update(
            actor=chain["manager"],
            case=case,
            episode=episode,
            version=record_version(episode),
            date=episode.date,
            agency="x",
            what_happened="y",
        ),
        "episode_remove": lambda: services.episode_remove(actor=chain["manager"], case=case, episode=episode),
        "action_update": lambda: services.immediate_action_update(
            actor=chain["manager"], case=case, immediate_action=item, version=None, action="x", by_whom="y"
        ),
        "action_remove": lambda: services.immediate_action_remove(
            actor=chain["manager"], case=case, immediate_action=item
        ),
    }
    with pytest.raises(IllegalTransition, match="sent to the Panel on"):
        calls[change]()
    assert Episode.objects.get(pk=episode.pk).agency == "Health visiting"
    assert ImmediateAction.objects.get(pk=item.pk).action == "Safety plan"


def test_only_the_business_manager_changes_the_chronology(chain):
    case = notified_case(chain)
    episode = _episode(chain, case)
    with pytest.raises(NotAllowed):
        services.episode_remove(actor=chain["la"], case=case, episode=episode)


def test_an_entry_is_reached_only_through_its_own_case(chain, client_for):
    case, other = notified_case(chain), notified_case(chain)
    episode, item = _episode(chain, other), _action(chain, other)
    client = client_for(chain["manager"])
    for url in (
        f"/cases/{case.pk}/rapid-review/episodes/{episode.pk}/",
        f"/cases/{case.pk}/rapid-review/episodes/{episode.pk}/remove/",
        f"/cases/{case.pk}/rapid-review/actions/{item.pk}/",
        f"/cases/{case.pk}/rapid-review/actions/{item.pk}/remove/",
    ):
        assert client.get(url).status_code == 404, url
    with pytest.raises(NotFound):
        services.episode_remove(actor=chain["manager"], case=case, episode=episode)


def test_removing_an_action_asks_first_and_removes_on_confirmation(chain, client_for):
    case = notified_case(chain)
    item = _action(chain, case)
    client = client_for(chain["manager"])
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/rapid-review/actions/{item.pk}/" in detail
    url = f"/cases/{case.pk}/rapid-review/actions/{item.pk}/remove/"
    confirm = client.get(url).content.decode()
    assert "Remove this immediate action?" in confirm and "Safety plan" in confirm
    assert ImmediateAction.objects.filter(pk=item.pk).exists()
    assert client.post(url).status_code == 302
    assert not ImmediateAction.objects.filter(pk=item.pk).exists()
