"""``cspr timescales`` commands: answers, JSON, explanations and one-line errors with status 2."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cspr.timescales.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_add_working_days_prints_the_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "add-working-days", "2026-12-18", "5", "--nation", "england") == (
        0,
        "2026-12-29\n",
        "",
    )


def test_add_working_days_counts_back_with_a_negative_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "add-working-days", "2027-01-05", "-7")[1] == "2026-12-22\n"


def test_between_prints_the_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "between", "2026-12-18", "2026-12-29", "--nation", "england") == (0, "5\n", "")


def test_explain_prints_the_day_by_day_reasoning(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "explain", "2026-12-18", "5", "--nation", "england")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Start: Friday 18 December 2026 (day 0, not counted)"
    assert "Fri 25 Dec 2026  skipped  Christmas Day" in lines
    assert "Mon 28 Dec 2026  skipped  Boxing Day (observed)" in lines
    assert "Tue 29 Dec 2026  day   5  working day" in lines
    assert lines[-1] == "Result: Tuesday 29 December 2026 is 5 working days after Friday 18 December 2026 (england)."


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["add-working-days", "2026-12-18", "5", "--json"],
            {"start": "2026-12-18", "working_days": 5, "nation": "england", "result": "2026-12-29"},
        ),
        (
            ["between", "2026-12-18", "2026-12-29", "--json"],
            {"from": "2026-12-18", "to": "2026-12-29", "nation": "england", "working_days": 5},
        ),
        (
            ["add-months", "2026-08-31", "6", "--json"],
            {"start": "2026-08-31", "months": 6, "result": "2027-02-28"},
        ),
    ],
)
def test_json_output_for_machines(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: dict[str, object]
) -> None:
    status, out, _ = run(capsys, *argv)
    assert status == 0
    assert json.loads(out) == expected


def test_explain_json_lists_every_day(capsys: pytest.CaptureFixture[str]) -> None:
    payload = json.loads(run(capsys, "explain", "2026-12-18", "5", "--json")[1])
    assert payload["result"] == "2026-12-29"
    assert payload["days"][0] == {"date": "2026-12-19", "counted": False, "count": 0, "reason": "Saturday"}
    assert payload["days"][-1] == {"date": "2026-12-29", "counted": True, "count": 5, "reason": "working day"}
    assert len(payload["days"]) == 11


def test_nation_changes_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    # 2 January is a bank holiday in Scotland only.
    assert run(capsys, "add-working-days", "2026-12-31", "1", "--nation", "scotland")[1] == "2027-01-05\n"
    assert run(capsys, "add-working-days", "2026-12-31", "1", "--nation", "Northern Ireland")[1] == "2027-01-04\n"


def test_office_closures_and_worked_holidays_can_be_given(capsys: pytest.CaptureFixture[str]) -> None:
    closed = ["--closed", "2026-12-29", "--closed", "2026-12-30", "--closed", "2026-12-31"]
    assert run(capsys, "add-working-days", "2026-12-18", "5", *closed)[1] == "2027-01-04\n"
    assert run(capsys, "add-working-days", "2026-12-18", "5", "--open", "2026-12-28")[1] == "2026-12-28\n"


def test_holidays_lists_a_nations_bank_holidays(capsys: pytest.CaptureFixture[str]) -> None:
    payload = json.loads(run(capsys, "holidays", "2022", "--nation", "scotland", "--json")[1])
    names = {h["date"]: h["name"] for h in payload["holidays"]}
    assert names["2022-09-19"] == "State Funeral of Queen Elizabeth II"
    assert names["2022-01-04"] == "New Year Holiday (observed)"


def test_processes_lists_the_shipped_processes(capsys: pytest.CaptureFixture[str]) -> None:
    payload = json.loads(run(capsys, "processes", "--json")[1])
    assert [p["id"] for p in payload["processes"]] == ["england-cspr", "england-learning-review"]
    assert {"id": "rapid-review", "label": "Send the rapid review to the Panel", "rule": "15 working days after",
            "statutory": True} in payload["processes"][0]["milestones"]  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add-working-days", "2026-02-30", "5"], "bad date '2026-02-30': no such day"),
        (["add-working-days", "18/12/2026", "5"], "bad date '18/12/2026': use YYYY-MM-DD"),
        (["between", "2026-12-18", "tomorrow"], "bad date 'tomorrow'"),
        (["add-working-days", "2026-12-18", "five"], "malformed number 'five'"),
        (["add-working-days", "2026-12-18", "5.5"], "malformed number '5.5'"),
        (["add-working-days", "2026-12-18", "\uff15"], "malformed number '\uff15'"),
        (["add-working-days", "\uff12\uff10\uff12\uff16-12-18", "5"], "use YYYY-MM-DD"),
        (["explain", "2026-12-18", "5", "--nation", "france"], "unknown nation 'france'"),
        (["add-working-days", "9999-12-30", "5"], "outside the supported dates"),
        (["add-working-days", "2026-12-18", "5", "--open", "2026-12-19"], "weekends never count"),
        (["holidays", "3000"], "outside 1900..2200"),
        (["add-months", "9999-12-01", "1"], "outside the supported years"),
        (["fortnight"], "invalid choice"),
        ([], "the following arguments are required"),
    ],
)
def test_bad_input_exits_2_with_a_one_line_message(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("cspr timescales: error: ")
    assert message in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert out.startswith("usage: cspr timescales")


def test_python_dash_m_runs_the_same_commands() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cspr.timescales", "between", "2026-12-18", "2026-12-29"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "5\n")
    bad = subprocess.run(
        [sys.executable, "-m", "cspr.timescales", "between", "2026-12-18", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1


def test_the_installed_cspr_command_runs_the_timescales_commands() -> None:
    """The console script (not just the module) reaches the timescales CLI, with its exit status."""
    cspr = Path(sys.executable).with_name("cspr")
    done = subprocess.run(
        [str(cspr), "timescales", "add-working-days", "2026-12-18", "5", "--nation", "england"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "2026-12-29\n")
    bad = subprocess.run(
        [str(cspr), "timescales", "between", "2026-12-18", "2026-12-29", "--nation", "narnia"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "unknown nation 'narnia'" in bad.stderr
