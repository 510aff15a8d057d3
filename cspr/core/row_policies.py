"""How PostgreSQL polices core's tables, and why the framework's own tables need no policy
(cspr.core.rowsecurity)."""

from cspr.core.rowsecurity import own

POLICIES = {
    # A draft holds what a person typed into a form, case details included: only its author reads it back.
    "core_draft": own("user_id"),
    # Which task e-mails a person was sent (ids and task keys only): their own rows; the sending job runs in the
    # system scope (cspr/web/notices.py).
    "core_tasknotice": own("user_id"),
    "core_taskdigest": own("user_id"),
}

EXEMPT = {
    "django_migrations": "which migrations ran",
    "django_content_type": "the list of models",
    "django_session": "sessions, read to know who is signed in before any scope exists; they hold ids only",
    "auth_permission": "Django's permissions, unused by cspr",
    "auth_group": "Django's groups, unused by cspr",
    "auth_group_permissions": "Django's groups, unused by cspr",
    "otp_totp_totpdevice": "second-factor secrets, read at sign-in before any scope exists; no partnership data",
    "otp_static_staticdevice": "recovery-code devices, read at sign-in; no partnership data",
    "otp_static_statictoken": "recovery codes, read at sign-in; no partnership data",
    "axes_accessattempt": "failed sign-in counts, read before anyone is signed in",
    "axes_accessfailurelog": "failed sign-in log, written before anyone is signed in",
    "axes_accessattemptexpiration": "lockout expiry, read before anyone is signed in",
    "axes_accesslog": "sign-in log, written before anyone is signed in",
    "django_tasks_database_dbtaskresult": "queued background tasks: the job's name and ids, run in the system scope",
}
