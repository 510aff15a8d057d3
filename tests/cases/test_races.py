"""Issue "Prove it holds", item 5: writes that race, in separate processes on one SQLite file or one PostgreSQL
database, each count once or are refused clearly.

Every racer loads the case first (as an open page has), waits at a shared starting line, then calls the
service; a delay inside the service's transaction (tests/core/crash_hook.py, ``CSPR_SLOW_AT``) keeps the
first one in its transaction while the others arrive. Votes at the same moment all count; two processes
making the same move leave one legal state with one audit event per change, and the loser gets
IllegalTransition (409 in the API, cspr/api/api.py), never a duplicate or a 500.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cases import race_db
from tests.cases.race_db import Scratch, Template


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    yield from race_db.template(tmp_path_factory)


@pytest.fixture
def scratch(template: Template, tmp_path: Path) -> Iterator[Scratch]:
    yield from race_db.scratch(template, tmp_path)


def race(scratch: Scratch, *racers: dict[str, Any], slow_at: str, seconds: float = 0.4) -> list[dict[str, Any]]:
    """Start ``racers`` (run steps) in separate processes at the same moment; their results, in order."""
    go = scratch.dir / "go"
    ready = [scratch.dir / f"ready-{n}" for n in range(len(racers))]
    procs = [
        scratch.spawn(
            {"do": "run", **racer, "ready": str(path), "go": str(go)},
            env={"CSPR_SLOW_AT": slow_at, "CSPR_SLOW_SECONDS": str(seconds)},
        )
        for racer, path in zip(racers, ready, strict=True)
    ]
    deadline = time.monotonic() + 60
    while not all(path.exists() for path in ready):
        for proc in procs:
            if proc.poll() is not None:
                raise AssertionError(f"a racer ended before the start: {proc.communicate()[1][-4000:]}")
        assert time.monotonic() < deadline, "the racers did not reach the starting line"
        time.sleep(0.005)
    go.write_text("go", encoding="utf-8")
    return [scratch.results(proc)[0] for proc in procs]


def setup(scratch: Scratch, tag: str, stage: str) -> tuple[int, dict[str, Any]]:
    [made, facts] = scratch.worker({"do": "setup", "tag": tag, "stage": stage}, {"do": "check", "case": "latest"})
    assert facts["case"]["state"] == made["state"]
    return made["case"], facts


def vote(case: int, tag: str, who: str, option: str = "local_review") -> dict[str, Any]:
    return {"service": "vote", "case": case, "tag": tag, "who": who, "option": option}


def assert_consistent(facts: dict[str, Any]) -> None:
    assert facts["audit"]["ok"], facts["audit"]
    assert facts["problems"] == []


# Inside decision_record_vote's transaction, after the decision row is locked and before the vote is written.
VOTE_WRITE = "cspr.cases.services.decision:create_storable"


def test_three_decision_makers_voting_at_once_all_count_and_decide(scratch: Scratch) -> None:
    case, _ = setup(scratch, "v3", "ready")
    results = race(scratch, *(vote(case, "v3", who) for who in ("la", "police", "icb")), slow_at=VOTE_WRITE)
    assert results == [{"ok": True}] * 3
    facts = scratch.check(case)
    assert_consistent(facts)
    assert facts["case"]["votes"] == ["icb", "la", "police"]
    assert facts["case"]["decision"] == ["decided", "local_review", "unanimous"]
    assert facts["case"]["actions"]["decision.vote_recorded"] == 3
    assert facts["case"]["actions"]["decision.made"] == 1
    assert "review_decided" in facts["case"]["dates"]


def test_three_votes_at_once_that_disagree_call_the_scrutineer_once(scratch: Scratch) -> None:
    case, _ = setup(scratch, "vd", "ready")
    results = race(
        scratch,
        vote(case, "vd", "la"),
        vote(case, "vd", "police"),
        vote(case, "vd", "icb", "no_review"),
        slow_at=VOTE_WRITE,
    )
    assert results == [{"ok": True}] * 3
    facts = scratch.check(case)
    assert_consistent(facts)
    assert facts["case"]["votes"] == ["icb", "la", "police"]
    assert facts["case"]["decision"] == ["scrutineer", "", ""]
    assert facts["case"]["actions"]["decision.disagreement"] == 1
    assert "decision.made" not in facts["case"]["actions"]


def test_two_votes_at_once_both_count_and_the_third_decides(scratch: Scratch) -> None:
    case, _ = setup(scratch, "v2", "ready")
    assert race(scratch, vote(case, "v2", "la"), vote(case, "v2", "police"), slow_at=VOTE_WRITE) == [{"ok": True}] * 2
    facts = scratch.check(case)
    assert facts["case"]["votes"] == ["la", "police"]
    assert facts["case"]["decision"][0] == "voting"
    [third, facts] = scratch.worker({"do": "run", **vote(case, "v2", "icb")}, {"do": "check", "case": case})
    assert third == {"ok": True}
    assert_consistent(facts)
    assert facts["case"]["decision"] == ["decided", "local_review", "unanimous"]
    assert facts["case"]["actions"]["decision.vote_recorded"] == 3


def test_one_decision_maker_voting_twice_at_once_counts_once(scratch: Scratch) -> None:
    case, _ = setup(scratch, "vv", "ready")
    results = race(scratch, vote(case, "vv", "la"), vote(case, "vv", "la", "no_review"), slow_at=VOTE_WRITE)
    assert sorted(r["ok"] for r in results) == [False, True]
    [loser] = [r for r in results if not r["ok"]]
    assert loser["error"] == "IllegalTransition" and "already voted" in loser["message"]
    facts = scratch.check(case)
    assert_consistent(facts)
    assert facts["case"]["votes"] == ["la"] and facts["case"]["actions"]["decision.vote_recorded"] == 1


def assert_one_winner(results: list[dict[str, Any]]) -> dict[str, Any]:
    assert sorted(r["ok"] for r in results) == [False, True], results
    [loser] = [r for r in results if not r["ok"]]
    assert loser["error"] == "IllegalTransition", loser
    return loser


def test_two_processes_recording_the_rapid_review_sent_at_once_move_it_once(scratch: Scratch) -> None:
    case, before = setup(scratch, "rs", "decided")
    sent = {"service": "record_sent", "case": case, "tag": "rs", "who": "manager"}
    # The delay is in the render of the frozen report, late in the transaction, after the move is written.
    loser = assert_one_winner(race(scratch, sent, sent, slow_at="cspr.documents:rapid_review_pdf"))
    assert "Someone else moved this on" in loser["message"]
    facts = scratch.check(case)
    assert_consistent(facts)
    assert facts["case"]["state"] == "sent_to_panel"
    assert facts["case"]["moves"] == [*before["case"]["moves"], "sent_to_panel"]
    assert facts["case"]["sendings"] == 1
    assert facts["case"]["actions"]["rapid_review.sent"] == facts["case"]["actions"]["panel.sending_frozen"] == 1
    assert facts["case"]["actions"]["case.date_recorded"] == before["case"]["actions"]["case.date_recorded"] + 1


@pytest.mark.parametrize("second", ["agree", "challenge"])
def test_the_panel_response_recorded_twice_at_once_counts_once(scratch: Scratch, second: str) -> None:
    case, before = setup(scratch, "pr", "sent")
    agree = {"service": "panel_response", "case": case, "tag": "pr", "who": "panel", "response": "agree"}
    other = {**agree, "who": "panel2", "response": second, "reasons": "The criteria are not met."}
    # The delay is after the response row and its event are written, before the case moves.
    assert_one_winner(race(scratch, agree, other, slow_at="cspr.cases.services.panel:case_transition"))
    facts = scratch.check(case)
    assert_consistent(facts)
    assert facts["case"]["responses"] == 1 and facts["case"]["actions"]["panel.responded"] == 1
    assert facts["case"]["state"] in {"local_review", "panel_challenged"}
    assert facts["case"]["moves"] == [*before["case"]["moves"], facts["case"]["state"]]
    # A challenge opens the next round of the decision; an agreement does not.
    assert facts["case"]["decisions"] == (2 if facts["case"]["state"] == "panel_challenged" else 1)
