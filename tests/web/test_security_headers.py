"""Security headers on every page, and a production mode that `check --deploy` accepts and that refuses to
start without its secrets."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from cspr.partnerships.roles import Role


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "SECRET_KEY",
            "FIELD_ENCRYPTION_KEYS",
            "AUDIT_HMAC_KEY",
            "CSPR_ENV",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    # Production refuses to start without a malware scanner (cspr/core/scanner.py): name one, as a deployment does.
    env.setdefault("CSPR_CLAMD_SOCKET", "/run/clamav/clamd.ctl")
    env.update(extra)
    return env


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_carry_a_strict_nonce_csp_and_the_other_headers(signed_in, make_user, make_partnership, client_for):
    client = client_for(make_user(Role.BUSINESS_MANAGER, make_partnership())) if signed_in else Client()
    response = client.get("/home/" if signed_in else "/sign-in/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    body = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    if signed_in:
        assert response["Cache-Control"] == "no-store"


def test_production_deploy_check_reports_nothing(tmp_path):
    env = _env(
        CSPR_ENV="production",
        SECRET_KEY="x" * 60 + "-production-secret-key-for-the-check-only",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        AUDIT_HMAC_KEY="y" * 40,
        ALLOWED_HOSTS="cspr.example.gov.uk",
        CSPR_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "cspr", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secrets_and_names_them(tmp_path):
    env = _env(CSPR_ENV="production", CSPR_VAR_DIR=str(tmp_path), SECRET_KEY="z" * 60)
    result = subprocess.run(
        [sys.executable, "-m", "cspr", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr and "AUDIT_HMAC_KEY" in result.stderr
    assert "SECRET_KEY," not in result.stderr  # the one that was given is not named


def test_secrets_can_come_from_files(tmp_path):
    key_file = tmp_path / "keys"
    key_file.write_text(Fernet.generate_key().decode())
    env = _env(
        CSPR_ENV="production",
        CSPR_VAR_DIR=str(tmp_path),
        SECRET_KEY="z" * 60,
        AUDIT_HMAC_KEY="q" * 40,
        FIELD_ENCRYPTION_KEYS_FILE=str(key_file),
        ALLOWED_HOSTS="cspr.example.gov.uk",
    )
    result = subprocess.run(
        [sys.executable, "-m", "cspr", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# A request through the production middleware, in a process of its own (settings are read once, at start-up).
_PRODUCTION_PROBE = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings")
import django
django.setup()
from django.test import Client
out = {}
for name, host, extra in (
    ("https", "cspr.example.gov.uk", {"HTTP_X_FORWARDED_PROTO": "https"}),
    ("http", "cspr.example.gov.uk", {}),
    ("testserver", "testserver", {"HTTP_X_FORWARDED_PROTO": "https"}),
):
    response = Client(HTTP_HOST=host, raise_request_exception=False).get("/healthz", **extra)
    out[name] = {"status": response.status_code, "headers": dict(response.headers)}
print(json.dumps(out))
"""


def _production_env(tmp_path, **extra: str) -> dict[str, str]:
    """Production mode with its secrets, and ALLOWED_HOSTS only if the test gives it."""
    env = _env(
        CSPR_ENV="production",
        SECRET_KEY="x" * 60 + "-production-secret-key-for-the-check-only",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        AUDIT_HMAC_KEY="y" * 40,
        CSPR_VAR_DIR=str(tmp_path),
    )
    env.pop("ALLOWED_HOSTS", None)
    env.update(extra)
    return env


def _probe(tmp_path, **extra: str) -> dict:
    import json

    result = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_PROBE],
        env=_production_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_responses_over_https_carry_hsts_for_a_year_with_subdomains(tmp_path):
    out = _probe(tmp_path, ALLOWED_HOSTS="cspr.example.gov.uk")
    assert out["https"]["status"] == 200
    hsts = out["https"]["headers"]["Strict-Transport-Security"]
    directives = [d.strip() for d in hsts.split(";")]
    max_age = int(next(d for d in directives if d.startswith("max-age=")).split("=")[1])
    assert max_age >= 60 * 60 * 24 * 365 and "includeSubDomains" in directives
    # Plain HTTP is sent to HTTPS before anything else is answered.
    assert out["http"]["status"] == 301
    assert out["http"]["headers"]["Location"] == "https://cspr.example.gov.uk/healthz"


def test_production_answers_only_the_hosts_it_is_given(tmp_path):
    out = _probe(tmp_path, ALLOWED_HOSTS="cspr.example.gov.uk")
    assert out["testserver"]["status"] == 400
    # With none given there is no default: every host is refused, and the deploy check names the setting.
    unset = _probe(tmp_path)
    assert unset["https"]["status"] == 400 and unset["testserver"]["status"] == 400
    check = subprocess.run(
        [sys.executable, "-m", "cspr", "check", "--deploy"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "ALLOWED_HOSTS" in check.stdout + check.stderr
