"""The chain through its services: referral, notification, rapid review, decision, Panel, challenge."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from cspr.audit.services import audit_verify
from cspr.cases import services
from cspr.cases.clocks import case_clocks
from cspr.cases.models import AgencyRequest, CaseDate, CaseState, Decision
from cspr.core.errors import IllegalTransition, NotAllowed, NotFound, ValidationFailed
from cspr.timescales import clocks_by_id
from tests.cases.conftest import health_request, notified_case, ready_case, working_days_ago

pytestmark = pytest.mark.django_db


def test_referral_screened_into_a_notification(chain):
    case = services.referral_submit(
        actor=chain["health"],
        partnership=chain["partnership"],
        what_happened="Baby brought to A&E with bruising",
        who_was_harmed="Baby, 4 months",
        incident_date=working_days_ago(1),
    )
    assert case.state == CaseState.REFERRED and case.referral.referring_organisation == chain["orgs"]["nhs_trust"]
    with pytest.raises(NotFound):
        services.referral_screen(actor=chain["health"], case=case, outcome="notification", reasons="x")
    services.referral_screen(actor=chain["manager"], case=case, outcome="notification", reasons="Meets criteria")
    case.refresh_from_db()
    assert case.state == CaseState.NOTIFICATION and case.notification.description.startswith("Baby brought")


def test_referral_to_learning_review_uses_the_learning_review_process(chain):
    case = services.referral_submit(
        actor=chain["manager"], partnership=chain["partnership"], what_happened="Near miss", who_was_harmed="Child, 9"
    )
    services.referral_screen(actor=chain["manager"], case=case, outcome="learning_review", reasons="Good practice")
    case.refresh_from_db()
    assert case.state == CaseState.LEARNING_REVIEW and case.process == "england-learning-review"


def test_notification_validation_says_how_to_fix_each_error(chain):
    case = services.case_open(actor=chain["manager"], partnership=chain["partnership"])
    future = timezone.localdate().replace(year=timezone.localdate().year + 1)
    with pytest.raises(ValidationFailed) as exc:
        services.notification_update(
            actor=chain["manager"],
            case=case,
            version=case.version,
            fields={"la_became_aware": future, "incident_date": working_days_ago(3)},
            children=[{"name": "", "date_of_birth": working_days_ago(1)}],
        )
    errors = exc.value.field_errors
    assert "today or in the past" in errors["la_became_aware"]
    assert errors["child_1_name"] == "Enter child 1's name"
    assert "before the incident date" in errors["child_1_date_of_birth"]


def notifiable_death(chain, *, aware):
    """A notification of a child's death with abuse known, in the area, the LA aware on ``aware``; not sent."""
    case = services.case_open(actor=chain["manager"], partnership=chain["partnership"], children=[{"name": "C"}])
    services.notification_update(
        actor=chain["manager"],
        case=case,
        version=case.version,
        children=[{"name": "C"}],
        fields={"nature": "death", "abuse_or_neglect": "known", "in_area": True, "la_became_aware": aware},
    )
    return case


def test_notification_before_awareness_is_refused(chain):
    case = notified_case(chain)
    assert case.state == CaseState.RAPID_REVIEW
    other = notifiable_death(chain, aware=working_days_ago(2))
    with pytest.raises(ValidationFailed) as exc:
        services.notification_record_sent(
            actor=chain["manager"], case=other, sent_on=working_days_ago(3), panel_reference="SIN-9"
        )
    assert "before the local authority became aware" in exc.value.field_errors["sent_on"]


def test_late_notification_needs_a_reason(chain):
    case = notifiable_death(chain, aware=working_days_ago(9))
    with pytest.raises(ValidationFailed) as exc:
        services.notification_record_sent(
            actor=chain["manager"], case=case, sent_on=working_days_ago(1), panel_reference="SIN-2"
        )
    assert "say why it was sent late" in exc.value.field_errors["late_reason"]
    services.notification_record_sent(
        actor=chain["manager"],
        case=case,
        sent_on=working_days_ago(1),
        panel_reference="SIN-2",
        late_reason="Police disclosure came late",
    )
    clock = clocks_by_id(case_clocks(case))["notify-panel"]
    assert clock.status == "met_late" and clock.working_days_late == 3


def test_sending_the_notification_starts_the_rapid_review_clock(chain):
    case = notified_case(chain, aware_days_ago=6, sent_days_ago=4)
    clocks = clocks_by_id(case_clocks(case))
    assert clocks["notify-panel"].status == "met"
    from cspr.timescales import WorkingCalendar

    # Working Together 2023 ch.5: 15 working days from the notification being sent.
    assert clocks["rapid-review"].statutory_due == WorkingCalendar("england").add_working_days(working_days_ago(4), 15)
    assert case.sent_to_panel_at is not None
    assert CaseDate.objects.get(case=case, event="notification_sent").date == working_days_ago(4)


def test_agency_request_reaches_only_its_contributor_and_meets_the_summaries_clock(
    chain, django_capture_on_commit_callbacks
):
    case = notified_case(chain)
    with django_capture_on_commit_callbacks(execute=True):
        req = services.agency_request_create(
            actor=chain["manager"],
            case=case,
            organisation=chain["orgs"]["nhs_trust"],
            contributor=chain["health"],
            shared_facts="Infant, head injury",
            questions="What did health visitors see?",
        )
    from cspr.timescales import WorkingCalendar

    assert req.due_date == WorkingCalendar("england").add_working_days(working_days_ago(4), 10)
    assert mail.outbox and mail.outbox[-1].to == [chain["health"].email]
    with pytest.raises(NotFound):
        services.agency_request_respond(actor=chain["health2"], agency_request=req, response="Not mine")
    services.agency_request_respond(actor=chain["health"], agency_request=req, response="Two visits, no concerns")
    assert AgencyRequest.objects.get(pk=req.pk).status == "answered"
    assert clocks_by_id(case_clocks(case))["agency-summaries"].status == "met"


def test_contributor_must_work_for_the_agency(chain):
    case = notified_case(chain)
    with pytest.raises(ValidationFailed):
        services.agency_request_create(
            actor=chain["manager"],
            case=case,
            organisation=chain["orgs"]["police"],
            contributor=chain["health"],
            shared_facts="x",
        )


def test_reminders_go_before_and_after_the_due_date_once_a_day(chain):
    case = notified_case(chain)
    req = health_request(chain, case)
    from cspr.timescales import WorkingCalendar

    cal = WorkingCalendar("england")
    mail.outbox.clear()
    two_before = cal.add_working_days(req.due_date, -2)
    assert services.agency_requests_remind(today=two_before).sent == 1
    assert services.agency_requests_remind(today=two_before).sent == 0
    assert services.agency_requests_remind(today=cal.add_working_days(req.due_date, -1)).sent == 0
    assert services.agency_requests_remind(today=cal.add_working_days(req.due_date, 1)).sent == 1
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Reminder", "Overdue"]


def test_deciding_before_the_rapid_review_is_ready_is_a_clear_error(chain):
    case = notified_case(chain)
    with pytest.raises(IllegalTransition, match="recommendation"):
        services.rapid_review_submit_for_decision(actor=chain["manager"], case=case)
    with pytest.raises(IllegalTransition, match="only while the partners are deciding"):
        services.decision_record_vote(actor=chain["la"], case=case, option="local_review", rationale="r")


def test_stale_rapid_review_edit_is_refused(chain):
    case = notified_case(chain)
    version = case.rapid_review.version
    services.rapid_review_update(actor=chain["manager"], case=case, version=version, sections={"good_practice": "A"})
    from cspr.core.errors import StaleEdit

    with pytest.raises(StaleEdit):
        services.rapid_review_update(
            actor=chain["manager"], case=case, version=version, sections={"good_practice": "B"}
        )


def test_unanimous_votes_decide(chain):
    case = ready_case(chain)
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale=f"{who} reasons")
    decision = Decision.objects.get(case=case)
    assert decision.status == "decided" and decision.method == "unanimous" and decision.outcome == "local_review"
    assert CaseDate.objects.get(case=case, event="review_decided").date == timezone.localdate()
    with pytest.raises(IllegalTransition):
        services.decision_record_vote(actor=chain["la"], case=case, option="no_review", rationale="changed mind")


def test_only_decision_makers_vote_and_each_for_their_own_partner(chain):
    case = ready_case(chain)
    with pytest.raises(NotAllowed):
        services.decision_record_vote(actor=chain["scrutineer"], case=case, option="no_review", rationale="r")
    services.decision_record_vote(actor=chain["police"], case=case, option="no_review", rationale="r")
    assert Decision.objects.get(case=case).votes.get().partner == "police"


def test_disagreement_goes_to_the_scrutineer_then_the_majority_decides(chain):
    case = ready_case(chain)
    services.decision_record_vote(actor=chain["la"], case=case, option="local_review", rationale="LA")
    services.decision_record_vote(actor=chain["police"], case=case, option="no_review", rationale="Police")
    services.decision_record_vote(actor=chain["icb"], case=case, option="learning_review", rationale="ICB")
    assert Decision.objects.get(case=case).status == "scrutineer"
    with pytest.raises(IllegalTransition):
        services.decision_close_by_majority(actor=chain["manager"], case=case, rationale="r")
    services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=case, advice="Criteria a and c are met")
    with pytest.raises(ValidationFailed, match="no majority"):
        services.decision_close_by_majority(actor=chain["manager"], case=case, rationale="r")
    services.decision_record_vote(actor=chain["icb"], case=case, option="local_review", rationale="Persuaded")
    decision = services.decision_close_by_majority(actor=chain["manager"], case=case, rationale="Majority for a review")
    assert decision.outcome == "local_review" and decision.method == "majority"
    assert "Persuaded" in decision.rationale and decision.votes.count() == 4


def test_family_told_after_the_decision_is_recorded(chain):
    case = ready_case(chain)
    with pytest.raises(IllegalTransition):
        services.family_communication_record(
            actor=chain["manager"], case=case, told_on=timezone.localdate(), method="letter", told_by="Social worker"
        )
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="no_review", rationale="r")
    item = services.family_communication_record(
        actor=chain["manager"],
        case=case,
        told_on=timezone.localdate(),
        method="in_person",
        told_by="Sam, social worker",
    )
    assert item.decision.outcome == "no_review"


def decided_and_sent(chain):
    case = ready_case(chain)
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="r")
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    case.refresh_from_db()
    return case


def test_panel_agreement_moves_the_case_to_a_local_review(chain):
    case = decided_and_sent(chain)
    assert case.state == CaseState.SENT_TO_PANEL
    assert clocks_by_id(case_clocks(case))["rapid-review"].status in {"met", "met_late"}
    services.panel_response_record(
        actor=chain["panel"], case=case, response="agree", national_review="no", responded_on=timezone.localdate()
    )
    case.refresh_from_db()
    assert case.state == CaseState.LOCAL_REVIEW


def test_panel_challenge_reopens_the_decision_and_the_justification_goes_back(chain):
    case = decided_and_sent(chain)
    with pytest.raises(ValidationFailed):
        services.panel_response_record(
            actor=chain["panel"],
            case=case,
            response="challenge",
            national_review="no",
            responded_on=timezone.localdate(),
        )
    services.panel_response_record(
        actor=chain["panel"],
        case=case,
        response="challenge",
        national_review="no",
        responded_on=timezone.localdate(),
        reasons="Consider a learning review",
    )
    case.refresh_from_db()
    assert case.state == CaseState.PANEL_CHALLENGED
    with pytest.raises(IllegalTransition):
        services.decision_send_justification(actor=chain["manager"], case=case, justification="j")
    services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=case, advice="Keep it")
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="Still needed")
    services.decision_send_justification(actor=chain["manager"], case=case, justification="Two agencies failed")
    case.refresh_from_db()
    decision = Decision.objects.get(case=case, round=2)
    assert case.state == CaseState.SENT_TO_PANEL and decision.kept_or_changed == "kept"
    services.panel_response_record(
        actor=chain["panel"], case=case, response="agree", national_review="no", responded_on=timezone.localdate()
    )
    case.refresh_from_db()
    assert case.state == CaseState.LOCAL_REVIEW
    assert audit_verify().ok


def test_panel_cannot_respond_to_what_was_not_sent(chain):
    case = ready_case(chain)
    with pytest.raises(IllegalTransition):
        services.panel_response_record(
            actor=chain["panel"], case=case, response="agree", national_review="no", responded_on=timezone.localdate()
        )
    with pytest.raises(NotFound):
        services.panel_response_record(
            actor=chain["manager"], case=case, response="agree", national_review="no", responded_on=timezone.localdate()
        )


def test_care_leaver_death_at_20_is_notified_without_a_rapid_review(chain):
    case = services.case_open(actor=chain["manager"], partnership=chain["partnership"], children=[{"name": "Y"}])
    services.notification_update(
        actor=chain["manager"],
        case=case,
        version=case.version,
        children=[{"name": "Y"}],
        fields={
            "nature": "death",
            "abuse_or_neglect": "not_suspected",
            "in_area": True,
            "care_leaver_death": True,
            "care_leaver_age": 20,
            "la_became_aware": working_days_ago(1),
        },
    )
    services.notification_record_sent(
        actor=chain["manager"], case=case, sent_on=timezone.localdate(), panel_reference="SIN-CL"
    )
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED


def test_rapid_review_audit_samples_scores_and_completes(chain):
    case = decided_and_sent(chain)
    today = timezone.localdate()
    audit = services.rr_audit_create(
        actor=chain["manager"],
        partnership=chain["partnership"],
        period_start=today.replace(day=1),
        period_end=today,
        sample_size=5,
    )
    item = audit.items.get()
    assert item.case == case
    with pytest.raises(ValidationFailed):
        services.rr_audit_complete(actor=chain["manager"], audit=audit)
    services.rr_audit_score(
        actor=chain["manager"],
        item=item,
        scores={
            "facts_gathered": "met",
            "immediate_safety": "met",
            "criteria_reasoned": "partly",
            "rationale_clear": "met",
            "family_told": "not_met",
            "on_time": "met",
        },
        comment="Family not yet told",
    )
    services.rr_audit_complete(actor=chain["manager"], audit=audit, overall_comment="Good")
    audit.refresh_from_db()
    assert audit.completed_at is not None


def test_moving_on_with_no_requests_outstanding_meets_the_summaries_clock(chain):
    case = ready_case(chain)
    assert CaseDate.objects.get(case=case, event="agency_summaries_returned").date == timezone.localdate()


def test_moving_on_with_an_open_request_leaves_the_summaries_clock_running(chain):
    case = notified_case(chain)
    health_request(chain, case)
    from tests.cases.conftest import ALL_CRITERIA

    services.rapid_review_update(
        actor=chain["manager"],
        case=case,
        version=case.rapid_review.version,
        criteria=ALL_CRITERIA,
        sections={"recommendation": "no_review", "recommendation_reasons": "r"},
    )
    services.rapid_review_submit_for_decision(actor=chain["manager"], case=case)
    assert not CaseDate.objects.filter(case=case, event="agency_summaries_returned").exists()


def test_an_answered_request_cannot_be_withdrawn(chain):
    case = notified_case(chain)
    request = health_request(chain, case)
    services.agency_request_respond(actor=chain["health"], agency_request=request, response="answer")
    request.refresh_from_db()
    with pytest.raises(IllegalTransition):
        services.agency_request_withdraw(actor=chain["manager"], agency_request=request)
    assert AgencyRequest.objects.get(pk=request.pk).status == "answered"
