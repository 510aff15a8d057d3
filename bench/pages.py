"""Page budget benchmark (DESIGN.md rule 8): each page a partnership or the Panel opens often, as a ratio to a
trivial signed-in page measured interleaved in the same run, and its query count, at two sizes of a generated
national database (``cspr generate``). The ratio is what matters: these machines are shared and noisy, so
absolute times drift between runs while a ratio measured in the same moments does not.

    .venv/bin/python -m bench.pages --cases 500 5000            # SQLite, generated once into var/bench/
    DATABASE_URL=postgres://.../cspr_bench .venv/bin/python -m bench.pages --cases 500   # PostgreSQL

Each size runs in its own process (Django's database settings are fixed at start); the parent prints the
table side by side and merges the figures into bench/results.json under "pages".
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
TRIVIAL = "trivial signed-in page"
BUDGET = 2.0  # DESIGN.md rule 8: at most about twice a trivial signed-in page


def data_dir(cases: int, seed: int) -> Path:
    return ROOT / "var" / "bench" / f"national-{cases}-{seed}"


def ensure_data(cases: int, seed: int, today: str) -> dict[str, str]:
    """The environment of a generated database with ``cases`` cases: made once, reused after (generation goes
    through the services and takes about a second a case on 2 cores)."""
    env = dict(os.environ)
    if env.get("DATABASE_URL"):
        base = env["DATABASE_URL"].rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"{base}/cspr_bench_{cases}_{seed}"
        marker = data_dir(cases, seed).with_name(f"postgres-{cases}-{seed}.done")
    else:
        env["CSPR_VAR_DIR"] = str(data_dir(cases, seed))
        marker = data_dir(cases, seed) / "generated.done"
    if marker.exists():
        return env
    marker.parent.mkdir(parents=True, exist_ok=True)
    if env.get("DATABASE_URL"):
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}"],
                       check=True)  # fmt: skip
    else:
        for suffix in ("", "-wal", "-shm"):
            (data_dir(cases, seed) / f"cspr.sqlite3{suffix}").unlink(missing_ok=True)
    run = [sys.executable, "-m", "cspr"]
    subprocess.run([*run, "migrate", "-v", "0", "--no-input"], env=env, check=True)
    print(f"Generating {cases:,} cases (once; reused by later runs)...", flush=True)
    subprocess.run(
        [*run, "generate", "--scale", "national", "--cases", str(cases), "--seed", str(seed), "--today", today],
        env=env,
        check=True,
    )
    marker.write_text(today)
    return env


def signed_in_client(user: Any) -> Any:
    """A test client signed in as ``user`` with both factors, as after a full sign-in (the bench and the load
    test both sign in this way; Django must already be set up)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def measure(repeat: int) -> dict[str, Any]:
    """Run in the child: sign in as the people who open these pages and time each, interleaved."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cspr.cases.models import Case, CaseState
    from cspr.cases.services.notification import AGE_BANDS
    from cspr.partnerships.models import Membership, Partnership
    from cspr.partnerships.roles import Role

    # The busiest partnership's business manager, and a case of theirs with the most history.
    partnership = max(Partnership.objects.all(), key=lambda p: p.cases.count())
    manager = (
        Membership.objects.active()
        .filter(partnership=partnership, role=Role.BUSINESS_MANAGER.value)
        .select_related("user")
        .first()
    )
    assert manager is not None
    panel_member = Membership.objects.active().filter(role=Role.PANEL_MEMBER.value).select_related("user").first()
    assert panel_member is not None
    case = (
        Case.objects.filter(partnership=partnership, state=CaseState.LOCAL_REVIEW).first()
        or Case.objects.filter(partnership=partnership).order_by("-pk").first()
    )
    assert case is not None
    bm, panel = signed_in_client(manager.user), signed_in_client(panel_member.user)
    from cspr.reviews.models import LocalReview

    review = LocalReview.objects.filter(partnership=partnership).order_by("-pk").first()
    other = Partnership.objects.exclude(pk=partnership.pk).first() or partnership
    pages: dict[str, tuple[Client, str]] = {
        TRIVIAL: (bm, "/accessibility/"),
        "business manager's home": (bm, "/home/"),
        "case list (business manager)": (bm, "/cases/"),
        "case page": (bm, f"/cases/{case.pk}/"),
        "audit trail": (bm, f"/cases/{case.pk}/audit/"),
        "Panel's home": (panel, "/home/"),
        "Panel case list": (panel, "/cases/"),
        "Panel inbox": (panel, "/panel/"),
        "Panel inbox, partnership": (panel, f"/panel/?partnership={other.slug}"),
        "Panel inbox, age band": (panel, f"/panel/?age_band={AGE_BANDS[0][0]}"),
        "Panel inbox, stage": (panel, f"/panel/?state={CaseState.LOCAL_REVIEW.value}"),
        "Panel inbox, incident": (panel, "/panel/?nature=death"),
        "Panel inbox, overdue": (panel, "/panel/?overdue=on"),
        "library search": (bm, "/library/?q=neglect"),
        "reviews list": (bm, "/reviews/"),
        "public page of published reviews": (Client(), f"/public/{partnership.slug}/"),
    }
    if review is not None:  # the generator carries local reviews to publication (cspr/reviews/generate.py)
        pages["review page"] = (bm, f"/reviews/{review.pk}/")
        pages["review's publication"] = (bm, f"/reviews/{review.pk}/publication/")
    queries: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for name, (client, url) in pages.items():  # warm up, and check every page answers
        response = client.get(url)
        assert response.status_code == 200, f"{name} {url} answered {response.status_code}"
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries[name] = len(captured)
        sizes[name] = len(response.content)
    times: dict[str, list[float]] = {name: [] for name in pages}
    order = list(pages)
    rng = random.Random(1)
    for _ in range(repeat):
        rng.shuffle(order)
        for name in order:
            client, url = pages[name]
            started = time.perf_counter()
            client.get(url)
            times[name].append(time.perf_counter() - started)
    trivial = statistics.median(times[TRIVIAL])
    return {
        "cases": Case.objects.count(),
        "partnerships": Partnership.objects.count(),
        "vendor": connection.vendor,
        "pages": {
            name: {
                "ms": round(statistics.median(t) * 1000, 2),
                "ratio": round(statistics.median(t) / trivial, 2),
                "queries": queries[name],
                "bytes": sizes[name],
            }
            for name, t in times.items()
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--today", default=time.strftime("%Y-%m-%d"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.repeat)))
        return 0
    runs = []
    for cases in args.cases:
        env = ensure_data(cases, args.seed, args.today)
        env["DEBUG"] = "0"  # as served: no query log, no debug pages
        env.setdefault("CSPR_UPLOAD_SCAN", "test")  # the bench uploads nothing; DEBUG off would ask for clamd
        out = subprocess.run(
            [sys.executable, "-m", "bench.pages", "--child", "--repeat", str(args.repeat)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    names = list(runs[0]["pages"])
    head = "".join(f" | {r['vendor']} {r['cases']:>6,} cases: ratio, queries" for r in runs)
    print(f"{'page':<32}{head}")
    failures = []
    for name in names:
        cells = []
        for r in runs:
            page = r["pages"][name]
            cells.append(f" | {page['ratio']:>8.2f}x {page['queries']:>5} q {page['ms']:>8.1f} ms")
        counts = {r["pages"][name]["queries"] for r in runs}
        if len(counts) > 1:
            failures.append(f"{name}: queries grow with cases {sorted(counts)}")
        if name != TRIVIAL and any(r["pages"][name]["ratio"] > BUDGET for r in runs):
            failures.append(f"{name}: over the {BUDGET}x budget")
        print(f"{name:<32}{''.join(cells)}")
    for failure in failures:
        print(f"  over budget: {failure}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.setdefault("pages", {})
    for r in runs:
        results["pages"][f"{r['vendor']}-{r['cases']}"] = r
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
