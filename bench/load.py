"""``make load``: a bounded load test. gunicorn serves a generated national database on loopback while client
threads send a realistic mix of signed-in pages and API calls for a fixed time; then the same clients ask
only the trivial signed-in page, so the mix's throughput reads as a ratio to it (DESIGN.md rule 8; targets in
docs/benchmarks.md: at least 0.5 of the trivial page's throughput at 4 and 16 clients, p99 under 250 ms at 4,
no errors).

    .venv/bin/python -m bench.load --cases 500 --seconds 20 --clients 1 4 16

Reports requests per second, p50/p95/p99, errors and gunicorn's memory at start and end, and merges them into
bench/results.json under "load".
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.pages import RESULTS, ensure_data, signed_in_client

# The mix: what people open during a day, weighted roughly by how often (the home page and lists most).
MIX_WEIGHTS = {
    "home": 6,
    "cases": 4,
    "case": 5,
    "audit": 1,
    "panel_home": 2,
    "panel_inbox": 3,
    "panel_overdue": 1,
    "library": 2,
    "api_cases": 2,
    "api_case": 2,
}


def world() -> dict[str, Any]:
    """In a child process on the generated database: session cookies, a token and the URLs of the mix."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspr.settings")
    django.setup()
    from cspr.cases.models import Case
    from cspr.partnerships.models import Membership, Partnership, User
    from cspr.partnerships.roles import Role
    from cspr.partnerships.services import api_token_create

    def session(user: User) -> str:
        return str(signed_in_client(user).cookies["sessionid"].value)

    partnership = max(Partnership.objects.all(), key=lambda p: p.cases.count())
    manager = Membership.objects.active().filter(partnership=partnership, role=Role.BUSINESS_MANAGER.value).first()
    panel = Membership.objects.active().filter(role=Role.PANEL_MEMBER.value).first()
    assert manager is not None and panel is not None
    case = Case.objects.filter(partnership=partnership).order_by("-pk").first()
    assert case is not None
    _, token = api_token_create(actor=manager.user, name="load test")
    bm, pm = session(manager.user), session(panel.user)
    return {
        "trivial": ("cookie", bm, "/accessibility/"),
        "mix": {
            "home": ("cookie", bm, "/home/"),
            "cases": ("cookie", bm, "/cases/"),
            "case": ("cookie", bm, f"/cases/{case.pk}/"),
            "audit": ("cookie", bm, f"/cases/{case.pk}/audit/"),
            "panel_home": ("cookie", pm, "/home/"),
            "panel_inbox": ("cookie", pm, "/panel/"),
            "panel_overdue": ("cookie", pm, "/panel/?overdue=on"),
            "library": ("cookie", bm, "/library/?q=neglect"),
            "api_cases": ("token", token, "/api/v1/cases/"),
            "api_case": ("token", token, f"/api/v1/cases/{case.pk}"),
        },
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    """gunicorn's memory: the master and its workers, from /proc (Linux)."""
    pids = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                pids.append(int(entry.name))
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def _drive(port: int, requests: list[tuple[str, str, str]], clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` threads, each on its own keep-alive connection, for ``seconds``: latencies and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        rng = random.Random(n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad: list[str] = []
        while time.monotonic() < stop:
            kind, secret, url = rng.choice(requests)
            headers = {"Cookie": f"sessionid={secret}"} if kind == "cookie" else {"Authorization": f"Bearer {secret}"}
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad.append(f"{url} {response.status}")
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{url} {type(exc).__name__}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) if latencies else 0.0

    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.mean(latencies) * 1000, 1) if latencies else 0.0,
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:5],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--today", default=time.strftime("%Y-%m-%d"))
    parser.add_argument("--world", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.world:
        print(json.dumps(world()))
        return 0
    env = ensure_data(args.cases, args.seed, args.today)
    env["DEBUG"] = "0"  # as served: no query log, no debug pages
    env.setdefault("CSPR_UPLOAD_SCAN", "test")  # the load test uploads nothing; DEBUG off would ask for clamd
    made = subprocess.run(
        [sys.executable, "-m", "bench.load", "--world"], env=env, check=True, capture_output=True, text=True
    )
    w = json.loads(made.stdout.strip().splitlines()[-1])
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cspr.wsgi:application", "-w", str(args.workers), "-b",
         f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        mix = [tuple(w["mix"][name]) for name, weight in MIX_WEIGHTS.items() for _ in range(weight)]
        _drive(port, mix, 2, 3)  # warm the workers: templates, process definitions, library vectors
        memory_start = _rss_mb(server.pid)
        rows = []
        for clients in args.clients:
            trivial = _drive(port, [tuple(w["trivial"])], clients, args.seconds)
            loaded = _drive(port, mix, clients, args.seconds)
            loaded["clients"] = clients
            loaded["trivial_rps"] = trivial["rps"]
            loaded["ratio_to_trivial"] = round(loaded["rps"] / trivial["rps"], 2) if trivial["rps"] else 0.0
            rows.append(loaded)
        memory_end = _rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{'clients':>7} {'req/s':>8} {'trivial':>8} {'ratio':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>6}")
    for r in rows:
        print(
            f"{r['clients']:>7} {r['rps']:>8} {r['trivial_rps']:>8} {r['ratio_to_trivial']:>6} {r['p50_ms']:>7} "
            f"{r['p95_ms']:>7} {r['p99_ms']:>7} {r['errors']:>6}"
        )
        for example in r["error_examples"]:
            print(f"        error: {example}")
    print(f"gunicorn memory: {memory_start} MB at start, {memory_end} MB at end ({args.workers} workers)")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["load"] = {
        "cases": args.cases,
        "workers": args.workers,
        "seconds": args.seconds,
        "vendor": "postgresql" if env.get("DATABASE_URL") else "sqlite",
        "runs": rows,
        "memory_mb": {"start": memory_start, "end": memory_end},
    }
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
