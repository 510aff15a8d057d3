"""Configuration, read from the environment.

Every secret may also be given as ``NAME_FILE`` (a path whose contents are the value), so that container
secrets never appear in a process listing. In development (``CSPR_ENV`` unset or ``development``) missing
secrets are generated once into ``var/secrets.json``; in production (``CSPR_ENV=production``) a missing
secret stops start-up with a message that names it.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CSPR_VAR_DIR", BASE_DIR / "var"))

ENVIRONMENT = os.environ.get("CSPR_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"CSPR_ENV must be development, production or test, not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"
TESTING = ENVIRONMENT == "test" or "pytest" in sys.modules


def env(name: str, default: str | None = None) -> str | None:
    """Return ``name`` from the environment, or the contents of the file named by ``name_FILE``."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {file_path!r}, which cannot be read: {exc}") from exc
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secrets() -> dict[str, str]:
    """Generate the development secrets once and keep them in ``var/`` (never used in production)."""
    path = VAR_DIR / "secrets.json"
    if path.exists():
        stored: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        return stored
    from cryptography.fernet import Fernet

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    generated = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(32),
    }
    path.write_text(json.dumps(generated, indent=2), encoding="utf-8")
    path.chmod(0o600)
    return generated


_REQUIRED_SECRETS = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "AUDIT_HMAC_KEY")
_missing = [name for name in _REQUIRED_SECRETS if env(name) is None]
if _missing and PRODUCTION:
    raise ImproperlyConfigured(
        "cspr cannot start in production without these secrets: "
        + ", ".join(_missing)
        + ". Set each in the environment or name a file holding it with NAME_FILE."
    )
_dev = _development_secrets() if _missing else {}

SECRET_KEY = env("SECRET_KEY") or _dev["SECRET_KEY"]
# Several comma-separated Fernet keys: the first encrypts, all decrypt, so keys rotate without downtime
# (DESIGN.md rule 6; `cspr rotate-keys` re-encrypts stored values with the first key).
FIELD_ENCRYPTION_KEYS = [
    k.strip() for k in (env("FIELD_ENCRYPTION_KEYS") or _dev["FIELD_ENCRYPTION_KEYS"]).split(",") if k.strip()
]
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY") or _dev["AUDIT_HMAC_KEY"]

DEBUG = env_bool("DEBUG", default=not PRODUCTION and not TESTING)
# Production answers only the host names it is given: no default, so a forgotten ALLOWED_HOSTS refuses every
# request (and `check --deploy` names it) instead of answering "testserver". Development and tests keep the
# loopback names and Django's test client host.
_DEFAULT_HOSTS = "" if PRODUCTION else "127.0.0.1,localhost,testserver"
ALLOWED_HOSTS = [h.strip() for h in (env("ALLOWED_HOSTS") or _DEFAULT_HOSTS).split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in (env("CSRF_TRUSTED_ORIGINS") or "").split(",") if o.strip()]
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "cspr.core",
    "cspr.partnerships",
    "cspr.audit",
    "cspr.cases",
    "cspr.reviews",
    "cspr.learning",
    "cspr.library",
    "cspr.web",
    "cspr.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Each person's memberships read once per request (cspr/partnerships/selectors.py, DESIGN.md rule 8).
    "cspr.partnerships.middleware.AccessCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # PostgreSQL's second wall: the signed-in person's partnerships set on the connection for the request.
    "cspr.partnerships.middleware.DatabaseScopeMiddleware",
    "cspr.core.middleware.IdleTimeoutMiddleware",
    "cspr.core.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cspr.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
    # GOV.UK-style 404 and 400 pages with DEBUG on too, as `make run` has it (cspr/web/views.py).
    "cspr.web.views.ErrorPagesMiddleware",
]
# A form posted without a valid CSRF token gets the service's page, not Django's (cspr/web/views.py).
CSRF_FAILURE_VIEW = "cspr.web.views.csrf_failure"

ROOT_URLCONF = "cspr.urls"
WSGI_APPLICATION = "cspr.wsgi.application"
ASGI_APPLICATION = "cspr.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        # Each app keeps its pages in <app>/templates/<app>/ (DESIGN.md layout); shared ones in web/templates.
        "DIRS": [BASE_DIR / "cspr" / "web" / "templates", *sorted((BASE_DIR / "cspr").glob("*/templates"))],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "cspr.web.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.messages.context_processors.messages",
                "cspr.web.context_processors.service",
            ],
        },
    },
    {
        # Django's own templates (the password-reset e-mail subject, axes) still use the Django engine.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
            ]
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
# SQLite, however it is named (the embedded default in var/ or a DATABASE_URL such as sqlite:////srv/x.sqlite3),
# runs with WAL, IMMEDIATE transactions and a busy timeout, so concurrent writers queue instead of failing with
# "database is locked" half-way through a service (DESIGN.md, Shape). A URL once bypassed these and four
# clients voting at once lost a vote: both paths now take their options from SQLITE_OPTIONS.
SQLITE_OPTIONS: dict[str, object] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}


def database_config(url: str | None) -> dict[str, Any]:
    """The default database for ``url`` (None: the embedded SQLite file in var/). Any SQLite gets
    SQLITE_OPTIONS; options the URL spells out itself are kept over them."""
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "cspr.sqlite3"),
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3") if env_bool("CSPR_TEST_DB_FILE", False) else None},
        }
    if config.get("ENGINE") == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **(config.get("OPTIONS") or {})}
    return config


DATABASE_URL = env("DATABASE_URL")
DATABASES = {"default": database_config(DATABASE_URL)}
# On PostgreSQL the application connects as this role, which owns no table and cannot bypass row-level
# security; `cspr migrate` runs as the tables' owner and grants it what it needs (cspr/core/rowsecurity.py,
# docs/operations.md "The second wall"). Empty: no second wall (a decision, refused in production).
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", "cspr_app")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ATOMIC_REQUESTS = False

# --- Authentication ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "partnerships.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the test suite signs in hundreds of times. The production hasher is
    # still exercised by tests/partnerships/test_sign_in.py, which overrides this.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "sign_in"
LOGIN_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Lockout after repeated failures (django-axes): 5 failures for one account from one address locks it for
# 30 minutes; a council security officer expects both throttling and a lockout.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cspr.partnerships.auth_views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

OTP_TOTP_ISSUER = "Child safeguarding practice reviews"
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions: 30 minutes idle, enforced server-side by IdleTimeoutMiddleware (which also keeps a draft of a
# form posted after expiry). The cookie itself lasts a working day at most.
SESSION_IDLE_TIMEOUT_SECONDS = int(env("SESSION_IDLE_TIMEOUT_SECONDS", "1800") or 1800)
SESSION_IDLE_WARNING_SECONDS = 5 * 60
# The idle timer rewrites the session's last activity only once it has moved on by this much, so a run of
# pages does not write the session table on every request (cspr.core.middleware.IdleTimeoutMiddleware).
SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- E-mail -----------------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "cspr@localhost")
# Django 6.1 configures e-mail through MAILERS. Production sends through SMTP; development writes each e-mail
# to a file in var/mail so a demo can follow an invitation link; tests use Django's in-memory outbox.
if env("EMAIL_BACKEND_PATH"):
    _mailer: dict[str, object] = {"BACKEND": env("EMAIL_BACKEND_PATH")}
elif PRODUCTION or env("EMAIL_HOST"):
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env("EMAIL_HOST", "localhost"),
            "port": int(env("EMAIL_PORT", "25") or 25),
            "username": env("EMAIL_HOST_USER", ""),
            "password": env("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", PRODUCTION),
            "timeout": 20,
        },
    }
else:
    _mailer = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
MAILERS = {"default": _mailer}

# --- Static and uploaded files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from finders in development
MEDIA_ROOT = Path(env("CSPR_MEDIA_ROOT", str(VAR_DIR / "files")) or VAR_DIR / "files")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Background tasks (django.tasks with the database worker) ---------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
        )
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

# Logs never carry personal data (DESIGN.md rule 6): only ids, actions and timings are logged by the product.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Product settings ---------------------------------------------------------------------------------------
SERVICE_NAME = "Child safeguarding practice reviews"
# The header (docs/operations.md, "The header"): the GOV.UK crown, "GOV.UK" name, typeface and icons belong only
# to a service run on GOV.UK ("govuk"). Anywhere else (a partnership's or the Panel's own installation, the
# demo) "service": a plain header with the operator's name, which is the default.
CSPR_HEADER = (env("CSPR_HEADER", "service") or "service").strip().lower()
if CSPR_HEADER not in {"govuk", "service"}:
    raise ImproperlyConfigured(f"CSPR_HEADER must be govuk or service, not {CSPR_HEADER!r}")
# Who runs this installation, named in the plain header: a partnership or the national Panel. Left unset, the
# plain header names the service itself.
CSPR_OPERATOR_NAME = (env("CSPR_OPERATOR_NAME", "") or "").strip()
API_TOKEN_PREFIX = "cspr_"  # nosec B105 # the public prefix of every API token, not a secret

# --- The upload gate (cspr/core/uploads.py, docs/documents.md) -----------------------------------------------
# No upload is larger than this (the final report's 20MB): the request stops being read past it, so a 100MB
# body is refused without being read in full. Each form's own limit is checked again by the gate.
CSPR_UPLOAD_MAX_BYTES = int(env("CSPR_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)) or 20 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "cspr.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Malware scanning (cspr/core/scanner.py): "clamd" (CSPR_CLAMD_SOCKET: /run/clamav/clamd.ctl or host:3310),
# "test" (finds only the EICAR test string: the tests and the development demo) or "off" (a loud warning).
# With DEBUG off, a missing or test scanner fails the system checks, so production will not start without one.
CSPR_CLAMD_SOCKET = env("CSPR_CLAMD_SOCKET", "") or ""
CSPR_CLAMD_TIMEOUT = float(env("CSPR_CLAMD_TIMEOUT", "30") or 30)
_DEFAULT_SCAN = "clamd" if CSPR_CLAMD_SOCKET else "test" if TESTING or (DEBUG and not PRODUCTION) else ""
CSPR_UPLOAD_SCAN = (env("CSPR_UPLOAD_SCAN") or _DEFAULT_SCAN).strip().lower()
