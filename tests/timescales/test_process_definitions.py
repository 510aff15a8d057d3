"""Process definitions load from TOML, validate with clear errors, and take partnership overrides."""

import copy
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from cspr.timescales import (
    MilestoneKind,
    Offset,
    OffsetUnit,
    ProcessDefinitionError,
    available_processes,
    load_process,
    load_process_file,
    parse_process,
)

CSPR_EVENTS = [
    "la_became_aware",
    "notification_sent",
    "partners_informed",
    "agency_summaries_returned",
    "rapid_review_sent",
    "review_decided",
    "final_report_sent",
    "publication_planned",
    "published",
    "nspcc_copy_sent",
]


def shipped(name: str) -> dict[str, Any]:
    text = resources.files("cspr.timescales").joinpath("processes", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def minimal() -> dict[str, Any]:
    return {
        "id": "wales-example",
        "title": "Example",
        "nation": "wales",
        "source": "Example guidance",
        "events": [{"id": "started", "label": "Started"}, {"id": "done", "label": "Done"}],
        "milestones": [
            {
                "id": "finish",
                "label": "Finish",
                "start": {"event": "started"},
                "offset": {"working_days": 10},
                "met_by": "done",
                "responsible": "Board",
                "statutory": True,
                "source": "Example guidance, para 1",
            }
        ],
    }


def errors_for(data: dict[str, Any], **kwargs: Any) -> list[str]:
    with pytest.raises(ProcessDefinitionError) as caught:
        parse_process(data, source="example.toml", **kwargs)
    assert str(caught.value).startswith("example.toml: ")
    return caught.value.errors


def test_both_shipped_processes_are_available() -> None:
    assert available_processes() == ["england-cspr", "england-learning-review"]


def test_england_cspr_declares_the_event_ids_the_case_workflow_records() -> None:
    process = load_process("england-cspr")
    assert set(CSPR_EVENTS) <= set(process.event_ids)
    assert process.nation == "england"


def test_england_cspr_milestones_have_the_agreed_ids_rules_and_citations() -> None:
    process = load_process("england-cspr")
    rules = {m.id: (m.start.event, m.offset, m.met_by or m.ended_by, m.kind, m.statutory) for m in process.milestones}
    wd, months, days = OffsetUnit.WORKING_DAYS, OffsetUnit.CALENDAR_MONTHS, OffsetUnit.CALENDAR_DAYS
    deadline, minimum = MilestoneKind.DEADLINE, MilestoneKind.MINIMUM_PERIOD
    assert rules == {
        "notify-panel": ("la_became_aware", Offset(5, wd), "notification_sent", deadline, True),
        "inform-partners": ("la_became_aware", Offset(5, wd), "partners_informed", deadline, True),
        "agency-summaries": (
            "notification_sent",
            Offset(10, wd),
            "agency_summaries_returned",
            deadline,
            False,
        ),
        "rapid-review": ("notification_sent", Offset(15, wd), "rapid_review_sent", deadline, True),
        "lcspr-published": ("review_decided", Offset(6, months), "published", deadline, True),
        "final-report-to-panel": ("publication_planned", Offset(-7, wd), "final_report_sent", deadline, True),
        "keep-published": ("published", Offset(12, months), "publication_removed", minimum, True),
        "nspcc-copy": ("published", Offset(0, days), "nspcc_copy_sent", deadline, False),
    }
    for m in process.milestones:
        assert "Working Together to Safeguard Children 2023, chapter 5" in m.source, m.id
        assert m.responsible
        assert m.process_id == "england-cspr"
    assert "Regulations 2018" in process.milestone("final-report-to-panel").source
    assert "section 16C" in process.milestone("notify-panel").source


def test_loaded_processes_compare_and_hash_by_content() -> None:
    assert load_process("england-cspr") == load_process("england-cspr")
    assert len({load_process("england-cspr"), load_process("england-cspr")}) == 1
    assert load_process("england-cspr") != load_process("england-cspr", {"due_soon_working_days": 3})


def test_only_the_local_review_is_paused_by_default() -> None:
    process = load_process("england-cspr")
    assert [m.id for m in process.milestones if m.pausable] == ["lcspr-published"]


def test_the_six_month_clock_start_is_a_check_setting_a_partnership_can_override() -> None:
    default = load_process("england-cspr")
    setting = default.settings["local_review_clock_start"]
    assert setting.check and setting.value == "review_decided" and not setting.overridden
    assert default.milestone("lcspr-published").settings_used == ("local_review_clock_start",)

    local = load_process("england-cspr", {"local_review_clock_start": "rapid_review_sent"})
    assert local.milestone("lcspr-published").start.event == "rapid_review_sent"
    assert local.settings["local_review_clock_start"].overridden


def test_due_soon_window_and_agency_summary_day_are_settings() -> None:
    process = load_process("england-cspr", {"due_soon_working_days": 5, "agency_summaries_working_days": 8})
    assert process.setting("due_soon_working_days") == 5
    assert process.milestone("agency-summaries").offset == Offset(8, OffsetUnit.WORKING_DAYS)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"local_review_clock_start": "published"},
            "overrides.local_review_clock_start: 'published' is not one of",
        ),
        ({"due_soon_working_days": "2"}, "overrides.due_soon_working_days: must be a whole number"),
        ({"due_soon_working_days": True}, "overrides.due_soon_working_days: must be a whole number"),
        ({"due_soon_working_days": 99}, "overrides.due_soon_working_days: 99 is outside 0..20"),
        ({"six_months": 7}, "overrides.six_months: no such setting"),
    ],
)
def test_bad_overrides_are_refused_naming_the_setting(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ProcessDefinitionError) as caught:
        load_process("england-cspr", overrides)
    assert str(caught.value).startswith("england-cspr.toml: ")
    assert any(e.startswith(message) for e in caught.value.errors), caught.value.errors


def test_unknown_process_names_the_available_ones() -> None:
    with pytest.raises(ProcessDefinitionError, match="available: england-cspr, england-learning-review"):
        load_process("scotland-learning-review")


def test_learning_review_chains_clocks_from_other_milestones_in_dependency_order() -> None:
    process = load_process("england-learning-review")
    order = process.milestone_ids
    assert order.index("terms-of-reference") < order.index("agency-reports")
    assert order.index("report-completed") < order.index("report-signed-off") < order.index("learning-shared")
    assert process.milestone("agency-reports").start.milestone == "terms-of-reference"
    assert all(not m.statutory for m in process.milestones)


def test_a_new_nation_and_process_can_be_expressed_without_code_changes() -> None:
    # A safeguarding adults review (Care Act 2014 s44) in Wales, with a weeks offset and a chained clock.
    data = minimal()
    data["events"].append({"id": "report_done", "label": "Report done"})
    data["milestones"].append(
        {
            "id": "report",
            "label": "Report",
            "start": {"milestone": "finish", "date": "due"},
            "offset": {"weeks": 26},
            "roll": "next_working_day",
            "met_by": "report_done",
            "responsible": "Safeguarding Adults Board",
            "statutory": True,
            "source": "Care Act 2014, section 44",
        }
    )
    process = parse_process(data)
    assert process.milestone("report").start.milestone_date == "due"
    assert process.nation == "wales"


def test_a_shipped_file_round_trips_through_a_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "england-cspr.toml"
    path.write_bytes(resources.files("cspr.timescales").joinpath("processes", "england-cspr.toml").read_bytes())
    assert load_process_file(path) == load_process("england-cspr")


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('id = "broken"\n[[milestones]\n', encoding="utf-8")
    with pytest.raises(ProcessDefinitionError, match=r"^broken.toml: not valid TOML"):
        load_process_file(path)


def test_the_file_id_must_match_the_file_name(tmp_path: Path) -> None:
    data = shipped("england-cspr")
    path = tmp_path / "other-name.toml"
    path.write_bytes(resources.files("cspr.timescales").joinpath("processes", "england-cspr.toml").read_bytes())
    with pytest.raises(ProcessDefinitionError, match="id: 'england-cspr' must match the file name 'other-name'"):
        load_process_file(path)
    assert data["id"] == "england-cspr"


def mutate(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(minimal())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("title"), "title: is required"),
        (lambda d: d.update(nation="france"), "nation: 'france' is not one of england, wales"),
        (lambda d: d.update(colour="red"), "colour: unknown field"),
        (lambda d: d.update(format=2), "format: unsupported format 2"),
        (lambda d: d.update(events=[]), "events: must be a non-empty list"),
        (
            lambda d: d["events"].append({"id": "done", "label": "Again"}),
            "events[2].id: 'done' is defined twice",
        ),
        (lambda d: d["events"].append({"id": "Bad-Id", "label": "x"}), "events[2].id: 'Bad-Id' must be"),
        (
            lambda d: d["milestones"][0].update(offset={"working_dayz": 5}),
            "milestones[0] (finish).offset: unknown unit 'working_dayz'; expected one of working_days, "
            "calendar_days, weeks, calendar_months",
        ),
        (
            lambda d: d["milestones"][0].update(offset={"working_days": 5, "weeks": 1}),
            "milestones[0] (finish).offset: must be a table with exactly one of",
        ),
        (
            lambda d: d["milestones"][0].update(offset={"working_days": "five"}),
            "milestones[0] (finish).offset.working_days: must be a whole number",
        ),
        (
            lambda d: d["milestones"][0].update(start={"event": "la_aware"}),
            "milestones[0] (finish).start.event: unknown event 'la_aware'",
        ),
        (
            lambda d: d["milestones"][0].update(start={"event": "started", "milestone": "finish"}),
            "milestones[0] (finish).start: needs exactly one of event or milestone",
        ),
        (
            lambda d: d["milestones"][0].update(met_by="finished"),
            "milestones[0] (finish).met_by: unknown event 'finished'",
        ),
        (
            lambda d: d["milestones"][0].pop("met_by"),
            "milestones[0] (finish).met_by: is required for a deadline",
        ),
        (lambda d: d["milestones"][0].pop("source"), "milestones[0] (finish).source: is required"),
        (
            lambda d: d["milestones"][0].update(statutory="yes"),
            "milestones[0] (finish).statutory: must be true or false",
        ),
        (
            lambda d: d["milestones"][0].update(kind="soft_deadline"),
            "milestones[0] (finish).kind: 'soft_deadline' is not one of deadline, minimum_period",
        ),
        (
            lambda d: d["milestones"][0].update(kind="minimum_period"),
            "milestones[0] (finish).met_by: a minimum_period is met when its period runs out",
        ),
        (
            lambda d: d["milestones"][0].update(roll="next_working_day"),
            "milestones[0] (finish).roll: a working-day offset always lands on a working day",
        ),
        (
            lambda d: d["milestones"][0].update(offset={"working_days": {"setting": "nope"}}),
            "milestones[0] (finish).offset.working_days: refers to unknown setting 'nope'",
        ),
        (
            lambda d: d["milestones"].append(copy.deepcopy(d["milestones"][0])),
            "milestones[1] (finish).id: 'finish' is defined twice",
        ),
        (
            lambda d: d["milestones"][0].update(start={"milestone": "finish"}),
            "milestones[0] (finish).start.milestone: a milestone cannot start from itself",
        ),
        (
            lambda d: d.update(settings={"window": {"default": 2, "choices": ["a"]}}),
            "settings.window.choices: must be a list of values of the default's type (a whole number)",
        ),
        (
            lambda d: d.update(settings={"window": {"description": "x"}}),
            "settings.window.default: is required",
        ),
    ],
)
def test_validation_errors_name_the_field_and_say_what_is_wrong(change: Any, expected: str) -> None:
    errors = errors_for(mutate(change))
    assert any(e.startswith(expected) for e in errors), errors


def test_a_cycle_of_milestones_starting_from_each_other_is_refused() -> None:
    def make_cycle(d: dict[str, Any]) -> None:
        second = copy.deepcopy(d["milestones"][0])
        second.update(id="second", start={"milestone": "finish"})
        d["milestones"][0]["start"] = {"milestone": "second"}
        d["milestones"].append(second)

    errors = errors_for(mutate(make_cycle))
    assert any("in a cycle: finish -> second -> finish" in e for e in errors), errors


def test_every_problem_is_reported_at_once() -> None:
    def break_twice(d: dict[str, Any]) -> None:
        d.pop("title")
        d["milestones"][0]["offset"] = {"fortnights": 1}

    with pytest.raises(ProcessDefinitionError) as caught:
        parse_process(mutate(break_twice), source="example.toml")
    assert len(caught.value.errors) == 2
    assert str(caught.value).startswith("example.toml: 2 problems:")
