"""Pauses (publication holds for criminal proceedings or an inquest) and approved extensions.

The 6-month local review clock runs from Monday 2 March 2026 and is due Wednesday 2 September 2026.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from cspr.timescales import (
    Clock,
    ClockStatus,
    Extension,
    Pause,
    WorkingCalendar,
    clocks_by_id,
    compute_clocks,
    load_process,
)

D = date
ENGLAND = WorkingCalendar("england")
PROCESS = load_process("england-cspr")
DECIDED = {"review_decided": D(2026, 3, 2)}
TRIAL = Pause(D(2026, 5, 1), D(2026, 5, 31), "criminal trial listed", "Chair, Strategic Leadership Group")


def clocks(
    events: dict[str, date],
    today: date,
    pauses: Sequence[Pause] = (),
    extensions: Sequence[Extension] = (),
) -> dict[str, Clock]:
    return clocks_by_id(
        compute_clocks(
            process=PROCESS,
            events=events,
            calendar=ENGLAND,
            today=today,
            pauses=pauses,
            extensions=extensions,
        )
    )


def local_review(events: dict[str, date], today: date, **kwargs: Any) -> Clock:
    return clocks(events, today, **kwargs)["lcspr-published"]


def test_without_pauses_the_local_review_is_due_six_months_after_the_decision() -> None:
    c = local_review(DECIDED, today=D(2026, 4, 1))
    assert c.statutory_due == c.effective_due == D(2026, 9, 2)
    assert not c.is_extended


# -- pauses --------------------------------------------------------------------------------------------


def test_a_publication_hold_moves_the_due_date_by_the_calendar_days_paused() -> None:
    c = local_review(DECIDED, today=D(2026, 6, 15), pauses=[TRIAL])
    assert c.statutory_due == D(2026, 9, 2)  # the original date stays visible
    assert c.effective_due == D(2026, 10, 3)  # 31 days later
    assert c.is_extended
    assert c.status is ClockStatus.RUNNING
    (effect,) = c.pauses
    assert (effect.shift, effect.unit, effect.stopped_from, effect.stopped_to) == (
        31,
        "calendar days",
        D(2026, 5, 1),
        D(2026, 5, 31),
    )
    text = c.explain()
    assert "Paused from Friday 1 May 2026 to Sunday 31 May 2026 (criminal trial listed; approved by Chair" in text
    assert "the due date moves from Wednesday 2 September 2026 to Saturday 3 October 2026" in text
    assert "the original date, Wednesday 2 September 2026, stays on record" in text


def test_a_clock_is_paused_while_the_hold_is_in_force() -> None:
    c = local_review(DECIDED, today=D(2026, 5, 15), pauses=[TRIAL])
    assert c.status is ClockStatus.PAUSED
    assert c.effective_due == D(2026, 10, 3)


def test_an_open_ended_pause_leaves_no_due_date_until_it_ends() -> None:
    inquest = Pause(D(2026, 5, 1), None, "inquest not yet listed", "Chair")
    c = local_review(DECIDED, today=D(2026, 8, 1), pauses=[inquest])
    assert c.status is ClockStatus.PAUSED
    assert c.statutory_due == D(2026, 9, 2)
    assert c.effective_due is None
    assert "so there is no due date for now" in c.explain()


def test_overlapping_pauses_count_each_day_once() -> None:
    inquest = Pause(D(2026, 5, 15), D(2026, 6, 14), "inquest", "Chair")
    c = local_review(DECIDED, today=D(2026, 7, 1), pauses=[TRIAL, inquest])
    # 1 May to 14 June is 45 days, not 31 + 31.
    assert c.effective_due == D(2026, 9, 2) + (D(2026, 6, 15) - D(2026, 5, 1))
    assert c.effective_due == D(2026, 10, 17)
    assert [e.shift for e in c.pauses] == [31, 14]


def test_only_the_part_of_a_pause_after_the_clock_started_counts() -> None:
    early = Pause(D(2026, 2, 1), D(2026, 3, 31), "criminal investigation", "Chair")
    c = local_review(DECIDED, today=D(2026, 4, 1), pauses=[early])
    assert c.pauses[0].stopped_from == D(2026, 3, 3)  # the day after day zero
    assert c.effective_due == D(2026, 10, 1)  # 29 days later


def test_a_pause_that_starts_after_the_due_date_cannot_rescue_an_overdue_clock() -> None:
    late = Pause(D(2026, 10, 1), D(2026, 12, 31), "prosecution", "Chair")
    c = local_review(DECIDED, today=D(2026, 10, 5), pauses=[late])
    assert c.status is ClockStatus.OVERDUE
    assert c.effective_due == D(2026, 9, 2)
    assert any("record an approved extension instead" in w for w in c.warnings)


def test_a_pause_after_the_milestone_was_met_has_no_effect() -> None:
    events = {**DECIDED, "published": D(2026, 4, 20)}
    c = local_review(events, today=D(2026, 6, 1), pauses=[TRIAL])
    assert c.status is ClockStatus.MET
    assert c.effective_due == D(2026, 9, 2)
    assert "no effect, the milestone was already met" in c.explain()


def test_pauses_without_named_milestones_stop_only_pausable_clocks() -> None:
    events = {**DECIDED, "notification_sent": D(2026, 5, 4)}
    c = clocks(events, today=D(2026, 5, 5), pauses=[TRIAL])
    assert c["rapid-review"].pauses == ()
    assert c["rapid-review"].status is ClockStatus.RUNNING
    assert c["lcspr-published"].status is ClockStatus.PAUSED


def test_a_pause_naming_a_working_day_clock_moves_it_by_working_days() -> None:
    events = {"notification_sent": D(2026, 12, 22)}  # rapid review due Friday 15 January 2027
    hold = Pause(D(2027, 1, 4), D(2027, 1, 8), "key agency unable to respond", "Chair", milestones=("rapid-review",))
    c = clocks(events, today=D(2027, 1, 11), pauses=[hold])["rapid-review"]
    assert c.statutory_due == D(2027, 1, 15)
    assert (c.pauses[0].shift, c.pauses[0].unit) == (5, "working days")
    assert c.effective_due == D(2027, 1, 22)


def test_a_pause_naming_an_unknown_milestone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown milestone"):
        clocks(DECIDED, today=D(2026, 4, 1), pauses=[Pause(D(2026, 5, 1), None, "x", "y", milestones=("nope",))])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": D(2026, 5, 2), "end": D(2026, 5, 1)}, "ends"),
        ({"reason": " "}, "reason"),
        ({"approved_by": ""}, "approved"),
    ],
)
def test_a_pause_needs_a_sensible_period_a_reason_and_an_approver(kwargs: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {"start": D(2026, 5, 1), "end": None, "reason": "trial", "approved_by": "Chair"}
    with pytest.raises(ValueError, match=message):
        Pause(**{**fields, **kwargs})


# -- extensions ----------------------------------------------------------------------------------------

AGREED = Extension(
    milestone="lcspr-published",
    new_due=D(2026, 12, 31),
    reason="family asked to contribute after the trial",
    approved_by="Strategic Leadership Group",
    approved_on=D(2026, 8, 14),
    panel_notified=True,
    secretary_of_state_notified=True,
)


def test_an_extension_sets_a_new_date_and_keeps_the_statutory_one_visible() -> None:
    c = local_review(DECIDED, today=D(2026, 9, 10), extensions=[AGREED])
    assert c.statutory_due == D(2026, 9, 2)
    assert c.effective_due == D(2026, 12, 31)
    assert c.status is ClockStatus.RUNNING
    assert c.statutory_working_days_late == 6  # 3, 4, 7, 8, 9, 10 September
    assert c.warnings == ()
    text = c.explain()
    assert "Extended from Wednesday 2 September 2026 to Thursday 31 December 2026" in text
    assert "approved by Strategic Leadership Group on Friday 14 August 2026" in text
    assert "Notified: the Panel and the Secretary of State." in text


def test_met_within_an_extension_is_on_time_but_shows_the_statutory_overrun() -> None:
    events = {**DECIDED, "published": D(2026, 12, 1)}
    c = local_review(events, today=D(2026, 12, 2), extensions=[AGREED])
    assert c.status is ClockStatus.MET
    assert c.working_days_late == 0
    assert c.statutory_working_days_late == 64
    assert "within the extended date but 64 working days after the statutory date" in c.explanation[0]


def test_published_after_the_extended_date_is_met_late_against_it() -> None:
    events = {**DECIDED, "published": D(2027, 1, 5)}
    c = local_review(events, today=D(2027, 1, 6), extensions=[AGREED])
    assert (c.status, c.working_days_late) == (ClockStatus.MET_LATE, 2)


def test_an_extension_not_notified_to_the_panel_and_secretary_of_state_is_flagged() -> None:
    untold = Extension("lcspr-published", D(2026, 12, 31), "inquest", "Strategic Leadership Group", D(2026, 8, 14))
    c = local_review(DECIDED, today=D(2026, 9, 1), extensions=[untold])
    assert c.effective_due == D(2026, 12, 31)
    (warning,) = c.warnings
    assert "not been notified to the Panel or the Secretary of State" in warning
    assert "Notified: nobody yet." in c.explain()


def test_a_pause_after_an_extension_moves_the_extended_date() -> None:
    trial = Pause(D(2026, 11, 1), D(2026, 11, 30), "criminal trial", "Chair")
    c = local_review(DECIDED, today=D(2026, 12, 15), pauses=[trial], extensions=[AGREED])
    assert c.effective_due == D(2027, 1, 30)
    assert c.statutory_due == D(2026, 9, 2)


def test_an_extension_agreed_after_a_pause_sets_the_date_outright() -> None:
    after = Extension("lcspr-published", D(2026, 11, 30), "trial outcome awaited", "SLG", D(2026, 6, 15), True, True)
    c = local_review(DECIDED, today=D(2026, 7, 1), pauses=[TRIAL], extensions=[after])
    assert c.effective_due == D(2026, 11, 30)
    lines = c.explain()
    assert lines.index("Paused from") < lines.index("Extended from Saturday 3 October 2026")


def test_an_extension_on_a_working_day_clock() -> None:
    events = {"notification_sent": D(2026, 12, 22)}
    ext = Extension("rapid-review", D(2027, 1, 29), "agency records held by police", "Partners", D(2027, 1, 12))
    c = clocks(events, today=D(2027, 1, 20), extensions=[ext])["rapid-review"]
    assert (c.statutory_due, c.effective_due, c.status) == (
        D(2027, 1, 15),
        D(2027, 1, 29),
        ClockStatus.RUNNING,
    )
    assert c.statutory_working_days_late == 3
    assert c.warnings  # a statutory clock extended without telling the Panel


def test_a_local_milestone_extension_needs_no_national_notification() -> None:
    events = {"notification_sent": D(2026, 12, 22)}
    ext = Extension("agency-summaries", D(2027, 1, 12), "school closed for holidays", "Business manager", D(2027, 1, 5))
    c = clocks(events, today=D(2027, 1, 11), extensions=[ext])["agency-summaries"]
    assert c.effective_due == D(2027, 1, 12)
    assert c.warnings == ()


def test_an_extension_naming_an_unknown_milestone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown milestone 'publish'"):
        clocks(
            DECIDED,
            today=D(2026, 4, 1),
            extensions=[Extension("publish", D(2026, 12, 1), "x", "y", D(2026, 4, 1))],
        )
