"""The house standards that a machine can check: ruff-clean code and the strictly typed timescales engine."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, check=False)


def test_the_code_passes_ruff_lint_and_format() -> None:
    lint = run("ruff", "check", "cspr", "tests", "bench")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = run("ruff", "format", "--check", "cspr", "tests", "bench")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_the_timescales_engine_type_checks_in_strict_mode() -> None:
    # pyproject.toml holds cspr.timescales to mypy --strict; its files are the configured targets.
    typed = run("mypy")
    assert typed.returncode == 0, typed.stdout + typed.stderr
