"""Where later apps plug themselves into earlier ones (DESIGN.md: imports run one way).

``core`` and ``partnerships`` come first in the chain and must not import ``cases`` or ``library``; yet
``cspr daily`` runs the cases' reminders and the library's retention, ``cspr rotate-keys`` re-encrypts the
cases' attachment files, ``cspr demo`` loads the demo cases, and the home page (in ``web``) shows what each
app has waiting. Each app registers what it contributes in its ``AppConfig.ready()`` through the functions
here; the commands and the page run whatever is registered, in registration order (INSTALLED_APPS order).
Explicit calls, tested, rather than Django signals.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobResult:
    """What a daily job says: one line for the operator (counts, never personal data), and whether part of it
    failed and must be retried (the command then exits 1 so cron or the timer's monitoring tells someone)."""

    summary: str
    failed: str = ""


@dataclass(frozen=True)
class FileRotationResult:
    """How many of an app's encrypted files were rewritten, and the ids of records whose file is missing."""

    what: str  # "Attachments"
    rewritten: int
    missing: tuple[int, ...] = ()


HOME_PANELS: dict[str, Callable[[Any], Mapping[str, Any]]] = {}
DAILY_JOBS: dict[str, Callable[[], JobResult]] = {}
FILE_ROTATIONS: dict[str, Callable[[], FileRotationResult]] = {}
DEMO_LOADERS: dict[str, Callable[[Mapping[str, Any], datetime.date], None]] = {}
GENERATOR_STEPS: dict[str, Callable[[datetime.date, Any], None]] = {}


def register_home_panel(name: str, panel: Callable[[Any], Mapping[str, Any]]) -> None:
    """Add an app's part of the home page: given the signed-in user, the template variables it fills (each
    read through that app's own selectors, so scoped to the user)."""
    HOME_PANELS[name] = panel


def register_daily_job(name: str, job: Callable[[], JobResult]) -> None:
    """Add a job to ``cspr daily``. Jobs must be idempotent for the day: the command may run twice."""
    DAILY_JOBS[name] = job


def register_file_rotation(name: str, rotate: Callable[[], FileRotationResult]) -> None:
    """Add encrypted files to ``cspr rotate-keys`` (fields are found from the models themselves)."""
    FILE_ROTATIONS[name] = rotate


def register_demo_loader(name: str, load: Callable[[Mapping[str, Any], datetime.date], None]) -> None:
    """Add demo records to ``cspr demo``, given the demo partnerships by slug and today's date."""
    DEMO_LOADERS[name] = load


def register_generator_step(name: str, step: Callable[[datetime.date, Any], None]) -> None:
    """Add an app's records to ``cspr generate`` (the national-scale data for ``make bench``), given today's
    date and the run's seeded ``random.Random``; run after the cases, in registration order."""
    GENERATOR_STEPS[name] = step
