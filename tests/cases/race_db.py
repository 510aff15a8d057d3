"""Databases for the crash and race tests (issue "Prove it holds", item 5): real ones that separate processes
share, on the engine the test run uses.

Under ``DATABASE_URL=postgres://...`` each test gets a scratch PostgreSQL database copied from one migrated
template; otherwise a SQLite file (WAL, as the settings give every SQLite) copied from a migrated one. The
workers (``tests/cases/race_worker.py``) run with ``CSPR_ENV=test`` and one ``CSPR_VAR_DIR`` per module, so
they share the secrets (field keys, the audit key) the template was written with.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
PARENT_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = PARENT_URL.startswith(("postgres://", "postgresql://"))


def _admin() -> Any:
    import psycopg

    parts = urlsplit(PARENT_URL)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


def _pg_url(name: str) -> str:
    parts = urlsplit(PARENT_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def _drop(name: str) -> None:
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Template:
    var_dir: Path
    url: str  # the migrated database: a SQLite file or a PostgreSQL database name
    pg_name: str = ""


@dataclass
class Scratch:
    """One test's database and the environment its workers run in."""

    env: dict[str, str]
    dir: Path
    procs: list[subprocess.Popen[str]] = field(default_factory=list)

    def spawn(self, *steps: dict[str, Any], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.cases.race_worker", json.dumps(list(steps))],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.procs.append(proc)
        return proc

    @staticmethod
    def results(proc: subprocess.Popen[str], timeout: float = 120) -> list[dict[str, Any]]:
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, err[-4000:]
        parsed: list[dict[str, Any]] = json.loads(out.strip().splitlines()[-1])
        return parsed

    def worker(self, *steps: dict[str, Any], env: dict[str, str] | None = None) -> list[dict[str, Any]]:
        return self.results(self.spawn(*steps, env=env))

    def check(self, case: int | None = None) -> dict[str, Any]:
        return self.worker({"do": "check", "case": case})[0]

    def kill_at(self, *steps: dict[str, Any], at: str, nth: int = 1, timeout: float = 90) -> dict[str, Any]:
        """Run ``steps`` in a worker that stops at the ``nth`` call of ``at`` (tests/core/crash_hook.py), kill
        it there with SIGKILL and return what its marker said (the hook, and whether it was inside a
        transaction)."""
        marker = self.dir / f"crash-{secrets.token_hex(4)}.json"
        proc = self.spawn(
            *steps, env={"CSPR_CRASH_AT": at, "CSPR_CRASH_NTH": str(nth), "CSPR_CRASH_MARKER": str(marker)}
        )
        deadline = time.monotonic() + timeout
        while not marker.exists():
            if proc.poll() is not None:
                _out, err = proc.communicate()
                raise AssertionError(f"the worker ended before reaching {at}: {err[-4000:]}")
            assert time.monotonic() < deadline, f"the worker did not reach {at} in {timeout}s"
            time.sleep(0.01)
        proc.kill()  # SIGKILL: no handler, no rollback, no clean-up runs in the process
        proc.communicate(timeout=30)
        assert proc.returncode == -9, proc.returncode
        said: dict[str, Any] = json.loads(marker.read_text(encoding="utf-8"))
        return said


def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    """A migrated database for one test module (the generator behind a module-scoped fixture)."""
    var_dir = tmp_path_factory.mktemp("race-var")
    if ON_POSTGRES:
        name = f"cspr_race_tpl_{secrets.token_hex(4)}"
        with _admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made = Template(var_dir=var_dir, url=_pg_url(name), pg_name=name)
    else:
        made = Template(var_dir=var_dir, url=f"sqlite:///{var_dir / 'template.sqlite3'}")
    scratch = Scratch(env=_env(made, made.url, var_dir / "files"), dir=var_dir)
    try:
        scratch.worker({"do": "migrate"})
        yield made
    finally:
        if made.pg_name:
            _drop(made.pg_name)


def _env(made: Template, url: str, media: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "cspr.settings",
        "CSPR_ENV": "test",
        "CSPR_VAR_DIR": str(made.var_dir),
        "CSPR_MEDIA_ROOT": str(media),
    }


def scratch(made: Template, tmp_path: Path) -> Iterator[Scratch]:
    """A copy of the template for one test (the generator behind a function-scoped fixture)."""
    pg_name = ""
    if ON_POSTGRES:
        pg_name = f"cspr_race_{secrets.token_hex(4)}"
        with _admin() as admin:
            admin.execute(f'CREATE DATABASE "{pg_name}" TEMPLATE "{made.pg_name}"')
        url = _pg_url(pg_name)
    else:
        source = Path(made.url.removeprefix("sqlite:///"))
        shutil.copyfile(source, tmp_path / "race.sqlite3")
        url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    db = Scratch(env=_env(made, url, tmp_path / "files"), dir=tmp_path)
    try:
        yield db
    finally:
        for proc in db.procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        if pg_name:
            _drop(pg_name)
