"""Hooks a worker process installs from its environment before it runs a service (issue "Prove it holds", item 5).

``CSPR_CRASH_AT=module:attr.path`` wraps that callable: on its ``CSPR_CRASH_NTH`` call (default 1) the wrapper
writes ``CSPR_CRASH_MARKER`` (JSON: the hook, and whether the process is inside a transaction) and then stops
there, so the parent test kills the process with SIGKILL at a known point inside the service's transaction
instead of after a guessed sleep.

``CSPR_SLOW_AT=module:attr.path`` (with ``CSPR_SLOW_SECONDS``) only delays each call, so that two racing
processes are certainly inside their transactions at the same time.

The name is patched where the service looks it up: ``cspr.library.services:audit_record`` is the library's
import of it, ``cspr.documents:rapid_review_pdf`` is looked up on the package at each call, and a manager
method (``cspr.library.models:Passage.objects.bulk_create``) is shadowed on the manager instance.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _resolve(spec: str) -> tuple[Any, str, Callable[..., Any]]:
    module_name, _, path = spec.partition(":")
    owner: Any = importlib.import_module(module_name)
    *parents, attr = path.split(".")
    for name in parents:
        owner = getattr(owner, name)
    return owner, attr, getattr(owner, attr)


def _stop_here(spec: str, marker: Path) -> None:
    from django.db import connection

    state = {"at": spec, "in_atomic_block": connection.in_atomic_block, "pid": os.getpid()}
    partial = marker.with_suffix(".partial")
    partial.write_text(json.dumps(state), encoding="utf-8")
    partial.replace(marker)  # the parent never reads half a marker
    while True:  # the parent sends SIGKILL; nothing after this line runs
        time.sleep(60)


def install() -> None:
    """Install the hooks the environment names (none when it names none)."""
    crash_at = os.environ.get("CSPR_CRASH_AT")
    if crash_at:
        marker = Path(os.environ["CSPR_CRASH_MARKER"])
        nth = int(os.environ.get("CSPR_CRASH_NTH", "1"))
        owner, attr, original = _resolve(crash_at)
        calls = {"n": 0}

        @functools.wraps(original)
        def crash_hooked(*args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == nth:
                _stop_here(crash_at, marker)
            return original(*args, **kwargs)

        setattr(owner, attr, crash_hooked)
    slow_at = os.environ.get("CSPR_SLOW_AT")
    if slow_at:
        seconds = float(os.environ.get("CSPR_SLOW_SECONDS", "0.5"))
        owner, attr, slow_original = _resolve(slow_at)

        @functools.wraps(slow_original)
        def slow_hooked(*args: Any, **kwargs: Any) -> Any:
            time.sleep(seconds)
            return slow_original(*args, **kwargs)

        setattr(owner, attr, slow_hooked)
