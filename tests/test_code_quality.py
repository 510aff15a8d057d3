"""The house standards that a machine can check: ruff-clean code, and all of cspr type-checked in strict mode."""

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


def test_cspr_type_checks_in_strict_mode() -> None:
    # pyproject.toml holds all of cspr to mypy --strict with the django-stubs plugin (migrations excluded);
    # its files are the configured targets, so a plain ``mypy`` checks them.
    typed = run("mypy")
    assert typed.returncode == 0, typed.stdout + typed.stderr
