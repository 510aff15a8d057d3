"""Run as a script by tests/cases/test_races.py and tests/core/test_crashes.py (issue "Prove it holds", item 5).

Each worker is its own process on the database DATABASE_URL names (a SQLite file or a scratch PostgreSQL
database), so two of them race for real and one can be killed with SIGKILL mid-transaction. The argument is a
JSON list of steps, run in order; the last line printed is a JSON list of their results:

- ``{"do": "migrate"}``
- ``{"do": "setup", "tag": "t1", "stage": "ready" | "decided" | "sent" | "local_review"}``: a partnership with
  every role of the chain (emails ``<who>@<tag>.example.gov.uk``) and one case at that stage;
- ``{"do": "run", "service": ..., "case": pk, "tag": ..., "who": ..., "ready": path, "go": path, ...}``: call
  one service as ``who``; with ``ready``/``go`` it writes ``ready`` once the case is loaded and waits for
  ``go`` before calling, so racing workers start together. Returns ``{"ok": true}`` or the error's class
  and message (every exception, so that a 500-to-be shows up as what it is);
- ``{"do": "cspr", "argv": [...]}``: the ``cspr`` command line (``library ingest PATH...``);
- ``{"do": "check", "case": pk | "latest" | null}``: the facts the tests assert (see ``check``).

Hooks from tests/core/crash_hook.py are installed first when the environment names them.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any


def _wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {path.name} after {timeout}s")
        time.sleep(0.001)


def report_pages(n: int, marker: str) -> list[list[str]]:
    """A report of ``n`` pages, each with a heading, two wrapped paragraphs and its page number."""
    from cspr.library.samples import wrap

    text = (
        "The health visitor recorded that the home was cold and there was little food in the cupboards. "
        "Police held the stepfather's history of violence but did not share it at the strategy meeting."
    )
    return [
        [f"{p}.1 Finding {p}", "", *wrap(f"{marker} page {p}. {text}"), "", *wrap(text), "", str(p)]
        for p in range(1, n + 1)
    ]


def report_pdf(n: int, marker: str, title: str) -> bytes:
    from cspr.library.samples import pdf_bytes

    return pdf_bytes(report_pages(n, marker), title=title)


# --- steps ----------------------------------------------------------------------------------------------------


def migrate() -> dict[str, Any]:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return {"ok": True}


def _people(tag: str) -> dict[str, Any]:
    from cspr.partnerships.models import User

    return {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{tag}.example.gov.uk")}


def setup(*, tag: str, stage: str) -> dict[str, Any]:
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cspr.cases import services
    from cspr.partnerships.models import Membership, Organisation, Partnership, User
    from cspr.partnerships.roles import Role
    from tests.cases.conftest import ready_case

    p = Partnership.objects.create(name=f"Race {tag}", slug=f"race-{tag}", nation="england")
    orgs = {
        kind: Organisation.objects.create(partnership=p, name=f"Race {tag} {kind}", kind=kind)
        for kind in ("local_authority", "police", "icb", "nhs_trust")
    }

    def person(who: str, role: Role, org: str | None, partnership: Partnership | None = p) -> User:
        user = User.objects.create_user(f"{who}@{tag}.example.gov.uk", "correct horse battery staple", full_name=who)
        Membership.objects.create(user=user, partnership=partnership, organisation=orgs.get(org or ""), role=role.value)
        TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        return user

    chain: dict[str, Any] = {
        "partnership": p,
        "orgs": orgs,
        "manager": person("manager", Role.BUSINESS_MANAGER, "local_authority"),
        "la": person("la", Role.DECISION_MAKER_LA, "local_authority"),
        "police": person("police", Role.DECISION_MAKER_POLICE, "police"),
        "icb": person("icb", Role.DECISION_MAKER_ICB, "icb"),
        "panel": person("panel", Role.PANEL_MEMBER, None, None),
        "panel2": person("panel2", Role.PANEL_MEMBER, None, None),
    }
    case = ready_case(chain)
    today = timezone.localdate()
    if stage in {"decided", "sent", "local_review"}:
        for who in ("la", "police", "icb"):
            services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale=f"{who} ok")
    if stage in {"sent", "local_review"}:
        services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=today)
    if stage == "local_review":
        services.panel_response_record(
            actor=chain["panel"], case=case, response="agree", national_review="no", responded_on=today
        )
    case.refresh_from_db()
    return {"case": case.pk, "state": case.state}


def _working_days_ago(n: int) -> datetime.date:
    from django.utils import timezone

    from cspr.timescales import WorkingCalendar

    return WorkingCalendar("england").add_working_days(timezone.localdate(), -n)


def _call(service: str, *, case: Any, actor: Any, options: dict[str, Any]) -> None:
    from django.utils import timezone

    from cspr.cases import services

    today = timezone.localdate()
    if service == "vote":
        services.decision_record_vote(
            actor=actor, case=case, option=options.get("option", "local_review"), rationale="Agencies did not share."
        )
    elif service == "record_sent":
        services.rapid_review_record_sent(actor=actor, case=case, sent_on=today)
    elif service == "panel_response":
        services.panel_response_record(
            actor=actor,
            case=case,
            response=options.get("response", "agree"),
            national_review=options.get("national_review", "no"),
            reasons=options.get("reasons", ""),
            responded_on=today,
        )
    elif service == "publish":
        # The case's publication writer on its own (its atomicity is what is killed and checked): the local review's
        # gate on the move (copies sent, text checked; tests/reviews/test_publication.py) is set aside here.
        from cspr.cases import state

        state.MOVE_GUARDS.clear()
        services.review_publish(
            actor=actor,
            case=case,
            file_name="final-report.pdf",
            data=report_pdf(options.get("pages", 12), f"case{case.pk}marker", "Final report"),
            sent_to_panel_on=_working_days_ago(10),
            published_on=_working_days_ago(2),
            reviewer="Sam Okafor",
            anonymised=True,
        )
    elif service == "attachment":
        services.attachment_add(
            actor=actor,
            case=case,
            name="strategy-minutes.pdf",
            data=report_pdf(2, f"attachment{case.pk}", "Strategy meeting minutes"),
        )
    else:
        raise ValueError(f"unknown service {service!r}")


def run(
    *,
    service: str,
    case: int,
    tag: str,
    who: str,
    ready: str | None = None,
    go: str | None = None,
    **options: Any,
) -> dict[str, Any]:
    from cspr.cases.models import Case

    actor = _people(tag)[who]
    loaded = Case.objects.get(pk=case)  # read before the race, as a page would have read it
    if ready and go:
        Path(ready).write_text("ready", encoding="utf-8")
        _wait_for(Path(go))
    try:
        _call(service, case=loaded, actor=actor, options=options)
    except Exception as exc:  # every failure is reported, none hidden: the tests assert which kind
        return {"ok": False, "error": type(exc).__name__, "message": str(exc)}
    return {"ok": True}


def cspr(*, argv: list[str]) -> dict[str, Any]:
    from cspr.__main__ import main as cspr_main

    return {"ok": cspr_main(argv) == 0}


# --- what the tests assert ------------------------------------------------------------------------------------


def _clock_tuple(row: Any) -> tuple[Any, ...]:
    return (
        row.milestone,
        row.position,
        row.start,
        row.statutory_due,
        row.effective_due,
        row.due_soon_from,
        row.met_on,
        row.not_required,
        row.paused,
        row.breached,
    )


def _stored_clocks_are_current(case: Any) -> bool:
    """The stored clocks equal what a recompute gives now (the recompute is rolled back)."""
    from django.db import transaction

    from cspr.cases.clocks import clocks_recompute
    from cspr.cases.models import CaseClock

    stored = sorted(_clock_tuple(r) for r in CaseClock.objects.filter(case=case))
    with transaction.atomic():
        clocks_recompute(case=case)
        fresh = sorted(_clock_tuple(r) for r in CaseClock.objects.filter(case=case))
        transaction.set_rollback(True)
    return stored == fresh


def _case_problems(case: Any, events: list[Any]) -> list[str]:
    """What would be half-written about one case: each row that a service writes with an audit event, and
    the state, against the audit trail and each other."""
    from cspr.cases.models import CaseDate, Decision, PanelResponse, PanelSending, RapidReview, Vote
    from cspr.library.models import Report

    problems: list[str] = []
    ref = f"case {case.pk}"
    actions = Counter(e.action for e in events)
    moves = [e for e in events if e.action == "case.state_changed"]
    for before, after in itertools.pairwise(moves):
        if (after.changes or {}).get("before", {}).get("state") != (before.changes or {}).get("after", {}).get("state"):
            problems.append(f"{ref}: state moves in the audit trail do not follow each other (#{after.seq})")
    if moves and (moves[-1].changes or {}).get("after", {}).get("state") != case.state:
        problems.append(f"{ref}: state {case.state} but the last audited move went to {moves[-1].changes}")
    dates = set(CaseDate.objects.filter(case=case).values_list("event", flat=True))
    sendings = list(PanelSending.objects.filter(case=case))
    if len(sendings) != actions["panel.sending_frozen"]:
        problems.append(f"{ref}: {len(sendings)} Panel sendings, {actions['panel.sending_frozen']} audited")
    for s in sendings:
        if s.kind == PanelSending.Kind.RAPID_REVIEW and not (s.report_pdf and s.report_docx):
            problems.append(f"{ref}: Panel sending {s.pk} without its frozen report")
    rr = RapidReview.objects.filter(case=case).first()
    reached_panel = case.state not in {"referred", "notification", "rapid_review", "decision", "closed"}
    if reached_panel:
        if not any(s.kind == PanelSending.Kind.RAPID_REVIEW for s in sendings):
            problems.append(f"{ref}: at {case.state} without the frozen rapid review sent to the Panel")
        if rr is None or rr.sent_on is None or "rapid_review_sent" not in dates or not actions["rapid_review.sent"]:
            problems.append(f"{ref}: at {case.state} without the date, record and event of the sending")
    elif rr is not None and rr.sent_on is not None:
        problems.append(f"{ref}: rapid review marked sent on {rr.sent_on} but the case is at {case.state}")
    if actions["rapid_review.sent"] != sum(1 for s in sendings if s.kind == PanelSending.Kind.RAPID_REVIEW):
        problems.append(
            f"{ref}: {actions['rapid_review.sent']} 'rapid review sent' events for {len(sendings)} sendings"
        )
    votes = Vote.objects.filter(decision__case=case).count()
    if votes != actions["decision.vote_recorded"]:
        problems.append(f"{ref}: {votes} votes stored, {actions['decision.vote_recorded']} audited")
    decided = Decision.objects.filter(case=case, status=Decision.Status.DECIDED).count()
    if decided != actions["decision.made"]:
        problems.append(f"{ref}: {decided} decisions made, {actions['decision.made']} audited")
    responses = PanelResponse.objects.filter(case=case).count()
    if responses != actions["panel.responded"]:
        problems.append(f"{ref}: {responses} Panel responses stored, {actions['panel.responded']} audited")
    published = Report.objects.filter(origin_case_id=case.pk).exists()
    if (case.state == "published") != published or (case.state == "published") != bool(actions["review.published"]):
        problems.append(f"{ref}: at {case.state}; library report {published}; {actions['review.published']} events")
    if case.state == "published" and not {"final_report_sent", "published"} <= dates:
        problems.append(f"{ref}: published without the dates the clocks need")
    if not case.clocks.exists() or not _stored_clocks_are_current(case):
        problems.append(f"{ref}: the stored clocks are not what the case's dates and stage give")
    return problems


def _report_problems(report: Any, events: list[Any]) -> list[str]:
    from django.db import connection

    problems: list[str] = []
    ref = f"report {report.pk}"
    passages = report.passages.count()
    if passages == 0 and report.text_removed_at is None:
        problems.append(f"{ref}: a report without passages")
    if passages and set(report.passages.values_list("page", flat=True)) != set(range(1, report.page_count + 1)):
        problems.append(f"{ref}: passages do not cover its {report.page_count} pages")
    if not hasattr(report, "vector"):
        problems.append(f"{ref}: no similarity vector")
    if not any(e.action in {"library.report_ingested", "library.report_published_from_case"} for e in events):
        problems.append(f"{ref}: no audit event")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM library_report_fts WHERE rowid = %s", [report.pk])
        else:
            cursor.execute(
                "SELECT count(*) FROM library_report WHERE id = %s AND search_document IS NOT NULL", [report.pk]
            )
        if cursor.fetchone()[0] != 1:
            problems.append(f"{ref}: no search index entry")
    return problems


def check(*, case: int | str | None = None) -> dict[str, Any]:
    """The database's consistency, whole (``problems``: empty when nothing is half-written; ``audit``: the
    chain verifies), and the facts about one case (``"latest"``: the one set up last) the tests compare before
    and after."""
    from django.conf import settings

    from cspr.audit.models import AuditEvent
    from cspr.audit.services import audit_verify
    from cspr.cases.models import Attachment, Case, CaseDate, Decision, PanelResponse, PanelSending, Vote
    from cspr.library.models import Report

    verified = audit_verify()
    problems: list[str] = []
    for c in Case.objects.all():
        events = list(AuditEvent.objects.filter(object_type="cases.case", object_id=str(c.pk)).order_by("seq"))
        problems += _case_problems(c, events)
    for r in Report.objects.all():
        events = list(AuditEvent.objects.filter(object_type="library.report", object_id=str(r.pk)))
        problems += _report_problems(r, events)
    media = Path(settings.MEDIA_ROOT)
    on_disk = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()} if media.exists() else set()
    referenced = set(Attachment.objects.values_list("storage_name", flat=True))
    problems += [f"attachment file {name} is referenced but missing" for name in sorted(referenced - on_disk)]
    facts: dict[str, Any] = {
        "audit": {"ok": verified.ok, "checked": verified.checked, "problem": verified.problem},
        "problems": problems,
        "events": AuditEvent.objects.count(),
        "reports": sorted(
            [r.source_name, r.page_count, r.passages.count(), r.origin_case_id] for r in Report.objects.all()
        ),
        "unreferenced_files": sorted(on_disk - referenced),
        "attachments": Attachment.objects.count(),
    }
    if case is not None:
        c = Case.objects.latest("pk") if case == "latest" else Case.objects.get(pk=case)
        events = AuditEvent.objects.filter(object_type="cases.case", object_id=str(c.pk))
        decision = Decision.objects.filter(case=c).order_by("-round").first()
        facts["case"] = {
            "state": c.state,
            "version": c.version,
            "actions": dict(Counter(events.values_list("action", flat=True))),
            "moves": [e.changes["after"]["state"] for e in events.filter(action="case.state_changed").order_by("seq")],
            "dates": sorted(CaseDate.objects.filter(case=c).values_list("event", flat=True)),
            "sendings": PanelSending.objects.filter(case=c).count(),
            "responses": PanelResponse.objects.filter(case=c).count(),
            "votes": sorted(Vote.objects.filter(decision__case=c).values_list("partner", flat=True)),
            "decision": [decision.status, decision.outcome, decision.method] if decision else None,
            "decisions": Decision.objects.filter(case=c).count(),
            "attachments": Attachment.objects.filter(case=c).count(),
        }
    return facts


STEPS = {"migrate": migrate, "setup": setup, "run": run, "cspr": cspr, "check": check}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings")
    import django

    django.setup()
    from django.db import connections

    from tests.core import crash_hook

    crash_hook.install()
    results = []
    for step in json.loads(sys.argv[1]):
        step = dict(step)
        results.append(STEPS[step.pop("do")](**step))
    connections.close_all()
    print(json.dumps(results, default=str))


if __name__ == "__main__":
    main()
