"""Issue "Prove it holds", defect 3: SQLite named by DATABASE_URL lost WAL, IMMEDIATE transactions and the
busy timeout the embedded default has, and four clients voting at once met "database is locked" and lost a
vote. Both ways of naming SQLite now get the same options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cspr import settings as cspr_settings

ROOT = Path(__file__).resolve().parents[2]


def test_defect_3_sqlite_named_by_url_gets_the_same_options_as_the_default() -> None:
    default = cspr_settings.database_config(None)
    by_url = cspr_settings.database_config("sqlite:////tmp/cspr-by-url.sqlite3")
    assert by_url["ENGINE"] == default["ENGINE"] == "django.db.backends.sqlite3"
    assert by_url["OPTIONS"] == default["OPTIONS"] == cspr_settings.SQLITE_OPTIONS
    assert by_url["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and by_url["OPTIONS"]["timeout"] >= 20
    assert "journal_mode=WAL" in str(by_url["OPTIONS"]["init_command"])
    # PostgreSQL is not given SQLite's options.
    assert "transaction_mode" not in cspr_settings.database_config("postgres://u@h/db").get("OPTIONS", {})


def test_defect_3_concurrent_votes_on_a_sqlite_file_named_by_url_all_count(tmp_path: Path) -> None:
    cases = 4
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'voters.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "cspr.settings",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.cases.sqlite_url_voters", str(cases)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["journal_mode"] == "wal"
    assert result["errors"] == []
    assert result["votes"] == cases * 3
