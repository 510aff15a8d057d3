"""Issue "Prove it holds", item 5: a process killed with SIGKILL in the middle of a write leaves the database as
it was before the write began (DESIGN.md rule 5), on SQLite and on PostgreSQL.

Each test runs the real service (or the ``cspr`` command) in a worker process on a database file or scratch
PostgreSQL database, stops it at a named call inside the service's transaction (tests/core/crash_hook.py
writes a marker there and waits), kills it with SIGKILL, and then, in a fresh process, finds: no half-written
rows (a report without passages, a state without its audit event and clocks, a Panel sending without its
report), the audit chain verifying, no file a committed row names missing; and the same write, done again,
succeeding once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cases import race_db
from tests.cases.race_db import Scratch, Template
from tests.cases.race_worker import report_pdf


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    yield from race_db.template(tmp_path_factory)


@pytest.fixture
def scratch(template: Template, tmp_path: Path) -> Iterator[Scratch]:
    yield from race_db.scratch(template, tmp_path)


LATEST = {"do": "check", "case": "latest"}  # the facts about the case just set up


def assert_consistent(facts: dict[str, Any]) -> None:
    assert facts["audit"]["ok"], facts["audit"]
    assert facts["problems"] == []


def run(service: str, case: int, tag: str, who: str = "manager", **options: Any) -> dict[str, Any]:
    return {"do": "run", "service": service, "case": case, "tag": tag, "who": who, **options}


# (a) a library ingest of real multi-page PDFs through `cspr library ingest`
@pytest.mark.parametrize(
    "at",
    [
        # The second report's row is saved; its passages are not yet: the "report without passages".
        "cspr.library.models:Passage.objects.bulk_create",
        # The second report is written whole (passages, search entry, themes, vector); its audit event is next.
        "cspr.library.services:audit_record",
    ],
)
def test_an_ingest_killed_mid_report_keeps_the_reports_before_it_and_none_of_that_one(
    scratch: Scratch, at: str
) -> None:
    folder = scratch.dir / "reports"
    folder.mkdir()
    (folder / "1-child-a.pdf").write_bytes(report_pdf(30, "alphamarker", "Child A: local review"))
    (folder / "2-child-b.pdf").write_bytes(report_pdf(24, "bravomarker", "Child B: local review"))
    ingest = {"do": "cspr", "argv": ["library", "ingest", "--quiet", str(folder)]}

    stopped = scratch.kill_at(ingest, at=at, nth=2)
    assert stopped["in_atomic_block"], "the worker was killed inside the ingest's transaction"

    after = scratch.check()
    assert_consistent(after)
    assert after["reports"] == [["1-child-a.pdf", 30, 30, None]]
    # The same command again takes the second report in whole and leaves the first alone.
    again, _audit, facts = scratch.worker(ingest, {"do": "cspr", "argv": ["audit", "verify"]}, {"do": "check"})
    assert again["ok"]
    assert_consistent(facts)
    assert facts["reports"] == [["1-child-a.pdf", 30, 30, None], ["2-child-b.pdf", 24, 24, None]]


# (b) a publication of a case at the local review
@pytest.mark.parametrize(
    "at",
    [
        # The library has taken the report inside the publication's transaction; the case is untouched yet.
        "cspr.library.services:audit_record",
        # The case row already says "published"; its audited move and recomputed clocks come next.
        "cspr.cases.state:clocks_recompute",
    ],
)
def test_a_publication_killed_mid_transaction_leaves_the_case_at_the_local_review(scratch: Scratch, at: str) -> None:
    [made, before] = scratch.worker({"do": "setup", "tag": "pub", "stage": "local_review"}, LATEST)
    case = made["case"]
    assert before["case"]["state"] == "local_review"

    stopped = scratch.kill_at(run("publish", case, "pub", pages=15), at=at)
    assert stopped["in_atomic_block"]

    after = scratch.check(case)
    assert_consistent(after)
    assert after["case"] == before["case"]
    assert (after["events"], after["reports"]) == (before["events"], [])

    [published, facts] = scratch.worker(run("publish", case, "pub", pages=15), {"do": "check", "case": case})
    assert published == {"ok": True}
    assert_consistent(facts)
    assert facts["case"]["state"] == "published"
    assert facts["case"]["actions"]["review.published"] == 1
    assert facts["case"]["moves"][-1] == "published" and facts["case"]["moves"].count("published") == 1
    assert [r[1:] for r in facts["reports"]] == [[15, 15, case]]


# (c) a case transition: the rapid review recorded as sent, which renders the frozen report in its transaction
@pytest.mark.parametrize(
    "at",
    [
        # Rendering the frozen PDF: the sent date, its clock date, the audit event and the move are written.
        "cspr.documents:rapid_review_pdf",
        # The Panel sending with its report is written; its audit event is next.
        "cspr.cases.services.panel:audit_record",
    ],
)
def test_a_transition_killed_mid_transaction_leaves_the_case_where_it_was(scratch: Scratch, at: str) -> None:
    [made, before] = scratch.worker({"do": "setup", "tag": "sent", "stage": "decided"}, LATEST)
    case = made["case"]
    assert before["case"]["state"] == "decision"

    stopped = scratch.kill_at(run("record_sent", case, "sent"), at=at)
    assert stopped["in_atomic_block"]

    after = scratch.check(case)
    assert_consistent(after)
    assert after["case"] == before["case"]
    assert after["events"] == before["events"]
    assert "rapid_review_sent" not in after["case"]["dates"] and after["case"]["sendings"] == 0

    [sent, facts] = scratch.worker(run("record_sent", case, "sent"), {"do": "check", "case": case})
    assert sent == {"ok": True}
    assert_consistent(facts)
    assert (facts["case"]["state"], facts["case"]["sendings"]) == ("sent_to_panel", 1)
    assert facts["case"]["actions"]["rapid_review.sent"] == facts["case"]["actions"]["panel.sending_frozen"] == 1
    assert facts["case"]["moves"] == [*before["case"]["moves"], "sent_to_panel"]


def test_an_attachment_killed_mid_transaction_leaves_no_row_and_only_an_unreferenced_encrypted_file(
    scratch: Scratch,
) -> None:
    """attachment_add writes the encrypted file before its transaction (so a row never names a file that is
    not there); a kill inside the transaction leaves that file on disk, named by no row, unreadable without
    the key, and nothing in the database."""
    [made, before] = scratch.worker({"do": "setup", "tag": "att", "stage": "decided"}, LATEST)
    case = made["case"]

    stopped = scratch.kill_at(run("attachment", case, "att"), at="cspr.cases.services.attachments:audit_record")
    assert stopped["in_atomic_block"]

    after = scratch.check(case)
    assert_consistent(after)
    assert after["case"] == before["case"] and after["attachments"] == 0
    [orphan] = after["unreferenced_files"]
    assert b"attachment" not in (scratch.dir / "files" / orphan).read_bytes()  # encrypted at rest

    [added, facts] = scratch.worker(run("attachment", case, "att"), {"do": "check", "case": case})
    assert added == {"ok": True}
    assert_consistent(facts)
    assert facts["attachments"] == 1 and facts["unreferenced_files"] == [orphan]
