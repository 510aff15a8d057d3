"""Stored clocks (DESIGN.md rule 8: due dates are read from the stored clocks; a test asserts constant query
counts). Every change of a clock's inputs rewrites the case's CaseClock rows in the same transaction; the lists
that show due dates read those rows, agree with what cspr.timescales computes, and cost the same number of
queries for 3 cases as for 12."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cspr.cases import services
from cspr.cases.clocks import StoredClock, case_calendar, case_clocks, clocks_by_id
from cspr.cases.models import Case, CaseClock, CaseState
from cspr.cases.selectors import PanelFilters, deadlines_for_user, panel_cases
from cspr.cases.services.common import record_case_date
from cspr.partnerships.models import User
from cspr.timescales import ClockStatus
from tests.cases.conftest import notified_case, working_days_ago

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def stored(case: Case, milestone: str) -> CaseClock:
    return CaseClock.objects.get(case=case, milestone=milestone)


def days_from_today(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


# -- writes: the rows follow their inputs, in the writer's transaction ----------------------------------------


def test_a_case_has_stored_clocks_from_the_moment_it_is_opened(chain: dict[str, Any]) -> None:
    opened = services.case_open(actor=chain["manager"], partnership=chain["partnership"])
    referred = services.referral_submit(
        actor=chain["health"], partnership=chain["partnership"], what_happened="x", who_was_harmed="y"
    )
    for case in (opened, referred):
        assert [c.id for c in case_clocks(case)] == list(
            CaseClock.objects.filter(case=case).order_by("position").values_list("milestone", flat=True)
        )


def test_recording_a_date_updates_the_stored_clock_in_the_same_transaction(chain: dict[str, Any]) -> None:
    case = services.case_open(actor=chain["manager"], partnership=chain["partnership"])
    assert stored(case, "notify-panel").start is None
    aware = working_days_ago(2)
    expected = clocks_by_id(case_clocks(case, events={"la_became_aware": aware}))["notify-panel"]

    with pytest.raises(RuntimeError), transaction.atomic():
        record_case_date(actor=chain["manager"], case=case, event="la_became_aware", date=aware)
        row = stored(case, "notify-panel")
        assert (row.start, row.statutory_due, row.effective_due) == (
            aware,
            expected.statutory_due,
            expected.effective_due,
        )
        raise RuntimeError("roll the date back")
    # The row was written in the same transaction as the date, so it went back with it.
    assert stored(case, "notify-panel").start is None

    record_case_date(actor=chain["manager"], case=case, event="la_became_aware", date=aware)
    assert stored(case, "notify-panel").effective_due == expected.effective_due


def test_a_transition_that_makes_a_milestone_not_required_updates_its_stored_clock(chain: dict[str, Any]) -> None:
    case = services.referral_submit(
        actor=chain["health"], partnership=chain["partnership"], what_happened="x", who_was_harmed="y"
    )
    assert not stored(case, "notify-panel").not_required
    # Screening writes no date: only the stage changes, and the transition rewrites the rows.
    services.referral_screen(
        actor=chain["manager"], case=Case.objects.get(pk=case.pk), outcome="no_further_action", reasons="Not met"
    )
    row = stored(case, "notify-panel")
    assert row.not_required
    assert StoredClock.from_row(row, today=TODAY(), calendar=case_calendar(case)).status is ClockStatus.NOT_REQUIRED


def test_a_care_leavers_death_notified_and_closed_stores_the_rapid_review_as_not_required(
    chain: dict[str, Any],
) -> None:
    """Recording the notification as sent starts the rapid review clock, and the same service then closes the
    case: the stored rows end as the final stage says, not as the dates alone would."""
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
    services.notification_record_sent(actor=chain["manager"], case=case, sent_on=TODAY(), panel_reference="SIN-CL")
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED
    row = stored(case, "rapid-review")
    assert row.not_required and row.effective_due is None
    assert stored(case, "notify-panel").met_on == TODAY()


def test_cspr_clocks_recompute_moves_a_due_date_after_the_partnership_closes_its_office(
    chain: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    partnership = chain["partnership"]
    case = services.case_open(actor=chain["manager"], partnership=partnership)
    aware = working_days_ago(1)
    record_case_date(actor=chain["manager"], case=case, event="la_became_aware", date=aware)
    before = stored(case, "notify-panel").effective_due
    assert before is not None
    # A working day inside the 5-working-day clock closes: the due date moves one working day later.
    closed = case_calendar(case).add_working_days(aware, 2)
    partnership.office_closed_days = [closed.isoformat()]
    partnership.save(update_fields=["office_closed_days"])
    assert stored(case, "notify-panel").effective_due == before  # nothing recomputed it yet

    call_command("clocks", "recompute", "--partnership", partnership.slug)

    after = stored(case, "notify-panel").effective_due
    fresh = Case.objects.get(pk=case.pk)
    assert after == clocks_by_id(case_clocks(fresh))["notify-panel"].effective_due
    assert after == case_calendar(fresh).add_working_days(before, 1)
    out = capsys.readouterr().out
    assert "Recomputed the clocks of 1 case" in out
    assert case.reference not in out and case.pseudonym not in out


def test_cspr_clocks_recompute_refuses_an_unknown_partnership(chain: dict[str, Any]) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No partnership"):
        call_command("clocks", "recompute", "--partnership", "nowhere")


# -- reads: the stored clocks agree with the computed ones ------------------------------------------------------


def varied_cases(chain: dict[str, Any]) -> list[Case]:
    """Cases whose clocks stand differently: not started, running, overdue, met late, a minimum period running
    and one ended early, a case closed with no further action."""
    manager = chain["manager"]
    p = chain["partnership"]
    not_started = services.case_open(actor=manager, partnership=p)
    aware_only = services.case_open(actor=manager, partnership=p)
    record_case_date(actor=manager, case=aware_only, event="la_became_aware", date=working_days_ago(4))
    running = notified_case(chain)
    overdue = notified_case(chain, aware_days_ago=25, sent_days_ago=20)
    met_late = notified_case(chain, aware_days_ago=30, sent_days_ago=24)
    record_case_date(actor=manager, case=met_late, event="rapid_review_sent", date=working_days_ago(3))
    published = notified_case(chain, aware_days_ago=8, sent_days_ago=6)
    record_case_date(actor=manager, case=published, event="published", date=working_days_ago(2))
    taken_down = notified_case(chain, aware_days_ago=9, sent_days_ago=7)
    record_case_date(actor=manager, case=taken_down, event="published", date=working_days_ago(20))
    record_case_date(actor=manager, case=taken_down, event="publication_removed", date=working_days_ago(1))
    closed = services.referral_submit(actor=chain["health"], partnership=p, what_happened="x", who_was_harmed="y")
    services.referral_screen(actor=manager, case=closed, outcome="no_further_action", reasons="Not met")
    return [
        Case.objects.get(pk=c.pk)
        for c in (not_started, aware_only, running, overdue, met_late, published, taken_down, closed)
    ]


DAYS = (-30, -10, -3, -1, 0, 1, 2, 3, 4, 5, 8, 15, 40, 200, 360, 380, 400)


def test_stored_clocks_have_the_status_cspr_timescales_computes_on_any_day(chain: dict[str, Any]) -> None:
    for case in varied_cases(chain):
        rows = list(CaseClock.objects.filter(case=case).order_by("position"))
        calendar = case_calendar(case)
        for offset in DAYS:
            day = days_from_today(offset)
            for row, clock in zip(rows, case_clocks(case, today=day), strict=True):
                read = StoredClock.from_row(row, today=day, calendar=calendar)
                seen = (read.id, read.status, read.start, read.statutory_due, read.effective_due, read.met_on)
                want = (clock.id, clock.status, clock.start, clock.statutory_due, clock.effective_due, clock.met_on)
                assert seen == want, (case.pk, offset)
                assert read.working_days_late == clock.working_days_late, (case.pk, clock.id, offset)


def computed_deadlines(user: User, day: datetime.date) -> list[tuple[int, str, datetime.date | None, str]]:
    """What the home list showed when it recomputed every case: the oracle."""
    closed = {CaseState.NO_FURTHER_ACTION, CaseState.CLOSED, CaseState.NO_REVIEW}
    rows = []
    cases = Case.objects.filter(partnership__memberships__user=user).exclude(state__in=closed).distinct()
    for case in cases.order_by("-created_at", "-pk"):
        open_clocks = [k for k in case_clocks(case, today=day) if k.status.is_open and k.effective_due]
        if open_clocks:
            clock = min(open_clocks, key=lambda k: k.effective_due or datetime.date.max)
            rows.append((case.pk, clock.id, clock.effective_due, clock.status.value))
    rows.sort(key=lambda r: r[2] or datetime.date.max)
    return rows[:20]


def test_home_deadlines_and_panel_overdue_filter_agree_with_the_computed_clocks(chain: dict[str, Any]) -> None:
    cases = varied_cases(chain)
    for offset in (-10, 0, 3, 15, 200, 380):
        day = days_from_today(offset)
        shown = [
            (r["case"].pk, r["clock"].id, r["clock"].effective_due, r["clock"].status.value)
            for r in deadlines_for_user(user=chain["manager"], today=day)
        ]
        assert shown == computed_deadlines(chain["manager"], day), offset
        late = {
            c.pk
            for c in cases
            if c.sent_to_panel_at is not None
            and clocks_by_id(case_clocks(c, today=day))["rapid-review"].status
            in {ClockStatus.OVERDUE, ClockStatus.MET_LATE}
        }
        filtered = panel_cases(user=chain["panel"], filters=PanelFilters(overdue=True), today=day)
        assert {c.pk for c in filtered} == late, offset
    assert late, "the cases include one whose rapid review is late"


def test_home_deadlines_show_lateness_in_working_days(chain: dict[str, Any]) -> None:
    case = services.case_open(actor=chain["manager"], partnership=chain["partnership"])
    record_case_date(actor=chain["manager"], case=case, event="la_became_aware", date=working_days_ago(8))
    (row,) = deadlines_for_user(user=chain["manager"])
    clock = clocks_by_id(case_clocks(case))[row["clock"].id]
    assert row["clock"].status is ClockStatus.OVERDUE
    assert row["clock"].working_days_late == clock.working_days_late == 3
    assert row["clock"].milestone.label == clock.milestone.label


# -- cost: query counts do not grow with the number of cases -----------------------------------------------------


def add_cases(chain: dict[str, Any], n: int) -> None:
    """``n`` more cases sent to the Panel through the services, every third one with its rapid review late."""
    for i in range(n):
        if i % 3 == 2:
            notified_case(chain, aware_days_ago=25 + i, sent_days_ago=20 + i)
        else:
            notified_case(chain, aware_days_ago=6 + i % 2, sent_days_ago=4 + i % 2)


def count_queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_query_counts_do_not_grow_with_the_number_of_cases(chain: dict[str, Any], client_for: Any) -> None:
    manager: Client = client_for(chain["manager"])
    panel: Client = client_for(chain["panel"])

    def ok(client: Client, path: str) -> Callable[[], object]:
        def get() -> object:
            response = client.get(path)
            assert response.status_code == 200, path
            return response

        return get

    measures: dict[str, Callable[[], object]] = {
        "deadlines_for_user": lambda: deadlines_for_user(user=chain["manager"]),
        "panel_cases(overdue)": lambda: panel_cases(user=chain["panel"], filters=PanelFilters(overdue=True)),
        "/home/": ok(manager, "/home/"),
        "/cases/": ok(manager, "/cases/"),
        "/panel/?overdue=on": ok(panel, "/panel/?overdue=on"),
    }
    counts: dict[int, dict[str, int]] = {}
    for total, more in ((3, 3), (12, 9)):
        add_cases(chain, more)
        assert Case.objects.count() == total
        for call in measures.values():
            call()  # warm: the first request of a session writes to it
        counts[total] = {name: count_queries(call) for name, call in measures.items()}
    assert len(deadlines_for_user(user=chain["manager"])) == 12
    assert len(panel_cases(user=chain["panel"], filters=PanelFilters(overdue=True))) == 4
    assert counts[3] == counts[12], counts


def test_an_extension_a_later_stage_holds_moves_the_stored_due_date(chain: dict[str, Any]) -> None:
    """cases.clocks passes pauses and extensions through (the local review's holds and agreed delays)."""
    from cspr.cases import clocks

    case = notified_case(chain)
    statutory = stored(case, "rapid-review").effective_due
    assert statutory is not None
    new_due = statutory + datetime.timedelta(days=14)
    extension = clocks.Extension(
        milestone="rapid-review",
        new_due=new_due,
        reason="Agencies' records held by the police",
        approved_by="The safeguarding partners",
        approved_on=timezone.localdate(),
    )
    clocks.register_clock_adjuster("test", lambda c: clocks.ClockAdjustments(extensions=(extension,)))
    try:
        clocks.clocks_recompute(case=case)
        row = stored(case, "rapid-review")
        assert row.effective_due == new_due and row.statutory_due == statutory
    finally:
        del clocks.CLOCK_ADJUSTERS["test"]
    clocks.clocks_recompute(case=case)
    assert stored(case, "rapid-review").effective_due == statutory
