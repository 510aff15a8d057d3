"""The house standards that a machine can check: ruff-clean code, all of cspr type-checked in strict mode, and
no security finding from bandit."""

import json
import subprocess
import sys
import tomllib
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


def test_bandit_finds_nothing_in_cspr() -> None:
    # SECURITY.md: bandit over all of cspr/ with [tool.bandit] in pyproject.toml (its skips each say why), at any
    # severity and confidence. A line that is not a fault says so with `# nosec BXXX # why`; [tool.bandit.accepted]
    # holds the few findings accepted per file, and an entry that no longer matches fails too, so none outlives
    # its line.
    scan = run("bandit", "-c", "pyproject.toml", "-r", "cspr", "-f", "json", "-q")
    assert scan.stdout.strip(), scan.stderr
    report = json.loads(scan.stdout)
    assert not report["errors"], report["errors"]
    accepted = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["bandit"].get("accepted", {})
    accepted_keys = {(path, test_id) for path, tests in accepted.items() for test_id in tests}
    matched, findings = set(), []
    for result in report["results"]:
        key = (result["filename"], result["test_id"])
        if key in accepted_keys:
            matched.add(key)
            continue
        findings.append(
            f"{result['filename']}:{result['line_number']} {result['test_id']} "
            f"({result['issue_severity']}/{result['issue_confidence']}) {result['issue_text']}"
        )
    assert not findings, "bandit:\n" + "\n".join(findings)
    stale = sorted(accepted_keys - matched)
    assert not stale, f"[tool.bandit.accepted] entries that bandit no longer reports: {stale}"
    assert scan.returncode in (0, 1), scan.stderr  # 1: only accepted findings were reported
