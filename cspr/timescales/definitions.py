"""Review processes as data: one TOML file per process, validated on load.

A process (the England child safeguarding practice review, a multi-agency learning review, and later the
Welsh single unified safeguarding review, Scottish learning reviews, safeguarding adults reviews or domestic
abuse related death reviews) is a list of *milestones*. Each milestone says what starts its clock (an event
recorded on the case, or another milestone), the offset (N working days, calendar days, weeks or calendar
months, after or before), what event meets it, who is responsible, whether it is statutory, and the source it
cites. Adding a process means adding a file to ``cspr/timescales/processes/``; no code changes.

Values the domain notes mark **[check]** (not confirmed from the statutory text) are *settings* in the file,
with a default, and each partnership may override them through ``load_process(name, overrides)``. A value
anywhere inside a milestone may be written ``{ setting = "name" }`` to take a setting's value.

File format (see ``docs/timescales.md`` for the full reference)::

    id = "england-cspr"                     # must equal the file name
    title = "..."
    nation = "england"
    source = "Working Together to Safeguard Children 2023, chapter 5"

    [settings.local_review_clock_start]
    default = "review_decided"
    choices = ["review_decided", "rapid_review_sent"]
    check = true
    description = "..."

    [[events]]
    id = "la_became_aware"
    label = "Local authority became aware of the incident"

    [[milestones]]
    id = "notify-panel"
    label = "Notify the Child Safeguarding Practice Review Panel"
    kind = "deadline"                        # or "minimum_period"
    start = { event = "la_became_aware" }    # or { milestone = "rapid-review", date = "met" | "due" }
    offset = { working_days = 5 }            # working_days | calendar_days | weeks | calendar_months
    met_by = "notification_sent"             # deadline: the event that meets it
    responsible = "Local authority"
    statutory = true
    source = "Children Act 2004 s16C(1); Working Together to Safeguard Children 2023, chapter 5"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal

from .calendars import NATIONS, UnknownNation, WorkingCalendar, normalise_nation

__all__ = [
    "ClockStart",
    "Event",
    "Milestone",
    "MilestoneKind",
    "Offset",
    "OffsetUnit",
    "ProcessDefinition",
    "ProcessDefinitionError",
    "Roll",
    "Setting",
    "SettingValue",
    "available_processes",
    "load_process",
    "load_process_file",
    "parse_process",
]

SettingValue = int | str | bool

_MILESTONE_ID: Final = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_EVENT_ID: Final = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_PROCESS_ID: Final = _MILESTONE_ID
_SETTING_NAME: Final = _EVENT_ID


class ProcessDefinitionError(ValueError):
    """A process file that cannot be used, with every problem found, each naming the file and the field."""

    def __init__(self, source: str, errors: list[str]) -> None:
        self.source = source
        self.errors = list(errors)
        if len(errors) == 1:
            message = f"{source}: {errors[0]}"
        else:
            message = f"{source}: {len(errors)} problems:\n" + "\n".join(f"  - {e}" for e in errors)
        super().__init__(message)


class OffsetUnit(StrEnum):
    """How an offset is counted."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    WEEKS = "weeks"
    CALENDAR_MONTHS = "calendar_months"


class MilestoneKind(StrEnum):
    """What a milestone's date means.

    ``deadline``: something must happen on or before the date (notify the Panel, publish the review).
    ``minimum_period``: something must *not* happen before the date, e.g. a published report must stay online
    for at least 12 months, so the date is the earliest day it may be removed.
    """

    DEADLINE = "deadline"
    MINIMUM_PERIOD = "minimum_period"


class Roll(StrEnum):
    """What to do when a calendar-day or calendar-month date lands on a non-working day."""

    NONE = "none"
    NEXT_WORKING_DAY = "next_working_day"
    PREVIOUS_WORKING_DAY = "previous_working_day"


_UNIT_WORDS: Final[Mapping[OffsetUnit, tuple[str, str]]] = {
    OffsetUnit.WORKING_DAYS: ("working day", "working days"),
    OffsetUnit.CALENDAR_DAYS: ("calendar day", "calendar days"),
    OffsetUnit.WEEKS: ("week", "weeks"),
    OffsetUnit.CALENDAR_MONTHS: ("calendar month", "calendar months"),
}


@dataclass(frozen=True, slots=True)
class Offset:
    """A signed distance from a clock's start: ``Offset(5, WORKING_DAYS)``, ``Offset(-7, WORKING_DAYS)``."""

    amount: int
    unit: OffsetUnit

    @property
    def counts_working_days(self) -> bool:
        return self.unit is OffsetUnit.WORKING_DAYS

    def apply(self, start: date, calendar: WorkingCalendar) -> date:
        """The date this offset lands on from ``start`` (day zero is ``start``)."""
        match self.unit:
            case OffsetUnit.WORKING_DAYS:
                return calendar.add_working_days(start, self.amount)
            case OffsetUnit.CALENDAR_DAYS:
                return start + timedelta(days=self.amount)
            case OffsetUnit.WEEKS:
                return start + timedelta(weeks=self.amount)
            case OffsetUnit.CALENDAR_MONTHS:
                return calendar.add_months(start, self.amount)

    def describe(self) -> str:
        """Plain English: "5 working days after", "7 working days before", "on the same day as"."""
        if self.amount == 0:
            return "on the same day as"
        singular, plural = _UNIT_WORDS[self.unit]
        size = abs(self.amount)
        direction = "after" if self.amount > 0 else "before"
        return f"{size} {singular if size == 1 else plural} {direction}"


@dataclass(frozen=True, slots=True)
class ClockStart:
    """What starts a clock: an event recorded on the case, or another milestone's met or due date."""

    event: str | None = None
    milestone: str | None = None
    milestone_date: Literal["met", "due"] = "met"


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happens on a case and is recorded with a date (the case code stores one per id)."""

    id: str
    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Setting:
    """A per-partnership value with a default; ``check`` marks a rule not confirmed from statute."""

    name: str
    default: SettingValue
    value: SettingValue
    description: str = ""
    check: bool = False
    choices: tuple[SettingValue, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    @property
    def overridden(self) -> bool:
        return self.value != self.default


@dataclass(frozen=True, slots=True)
class Milestone:
    """One statutory or local timescale within a process."""

    id: str
    label: str
    kind: MilestoneKind
    start: ClockStart
    offset: Offset
    responsible: str
    statutory: bool
    source: str
    met_by: str | None = None
    ended_by: str | None = None
    description: str = ""
    pausable: bool = False
    roll: Roll = Roll.NONE
    process_id: str = ""
    settings_used: tuple[str, ...] = ()
    # Owed to the national Panel (or the public) rather than the partnership's own business: the Panel reads
    # these clocks on the cases sent to it.
    panel: bool = False


@dataclass(frozen=True, slots=True)
class ProcessDefinition:
    """A loaded, validated process: its events, settings (with overrides applied) and milestones.

    ``milestones`` is in dependency order: a milestone that starts from another comes after it.
    """

    id: str
    title: str
    nation: str
    source: str
    description: str
    events: tuple[Event, ...]
    settings: Mapping[str, Setting]
    milestones: tuple[Milestone, ...]
    origin: str = ""
    # Milestones a case no longer owes once it reaches an outcome: (outcome, milestone ids, reason). The outcome
    # is the caller's word for how the case ended (cspr.cases uses its stage names); the engine only matches it.
    not_required: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    _milestones_by_id: Mapping[str, Milestone] = field(default_factory=dict, repr=False, compare=False)
    _events_by_id: Mapping[str, Event] = field(default_factory=dict, repr=False, compare=False)

    def __hash__(self) -> int:
        # The generated hash would fail on the settings mapping; the id and resolved values identify it.
        return hash((self.id, self.origin, tuple((k, v.value) for k, v in sorted(self.settings.items()))))

    def milestone(self, milestone_id: str) -> Milestone:
        try:
            return self._milestones_by_id[milestone_id]
        except KeyError:
            raise KeyError(f"process {self.id!r} has no milestone {milestone_id!r}") from None

    def event(self, event_id: str) -> Event:
        try:
            return self._events_by_id[event_id]
        except KeyError:
            raise KeyError(f"process {self.id!r} has no event {event_id!r}") from None

    def setting(self, name: str) -> SettingValue:
        return self.settings[name].value

    @property
    def milestone_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.milestones)

    def not_required_at(self, outcome: str) -> dict[str, str]:
        """The milestones a case that reached ``outcome`` does not owe, each with the reason shown beside it."""
        return {m: reason for when, ids, reason in self.not_required if when == outcome for m in ids}

    @property
    def event_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.events)


# -- loading ------------------------------------------------------------------------------------------


def _processes_dir() -> Any:
    return resources.files(__package__ or "cspr.timescales").joinpath("processes")


def available_processes() -> list[str]:
    """Ids of the process files shipped with the package, sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in _processes_dir().iterdir()
        if entry.name.endswith(".toml") and not entry.name.startswith(("_", "."))
    )


def load_process(name: str, overrides: Mapping[str, Any] | None = None) -> ProcessDefinition:
    """Load a shipped process by id (``"england-cspr"``), applying a partnership's setting overrides.

    Each (process, overrides) pair is parsed once and shared: every case's clocks ask for their process, and
    re-reading the TOML for each would make a list of cases cost a parse per row (DESIGN.md rule 8). Sharing
    is safe because a definition cannot be changed (frozen dataclasses, tuples and read-only mappings).
    Overrides that cannot be a cache key (a list where a number belongs) are parsed, and refused, each time.
    """
    key = _overrides_key(overrides)
    if key is None:
        return _load_shipped(name, overrides)
    return _load_shipped_cached(name, key)


# (name, type name, value): the type is part of the key because True == 1 and hash(True) == hash(1), and
# an override of True where a number belongs must still be refused rather than served the cached 1.
_OverridesKey = tuple[tuple[str, str, object], ...]


def _overrides_key(overrides: Mapping[str, Any] | None) -> _OverridesKey | None:
    key = tuple(sorted(((name, type(value).__qualname__, value) for name, value in (overrides or {}).items()), key=str))
    try:
        hash(key)
    except TypeError:
        return None
    return key


@lru_cache(maxsize=256)
def _load_shipped_cached(name: str, key: _OverridesKey) -> ProcessDefinition:
    return _load_shipped(name, {setting: value for setting, _type, value in key} or None)


def _load_shipped(name: str, overrides: Mapping[str, Any] | None) -> ProcessDefinition:
    known = available_processes()
    if name not in known:
        raise ProcessDefinitionError(
            f"{name}.toml", [f"no such process {name!r}; available: {', '.join(known) or 'none'}"]
        )
    resource = _processes_dir().joinpath(f"{name}.toml")
    return _parse_bytes(resource.read_bytes(), f"{name}.toml", overrides, expected_id=name)


def load_process_file(path: str | Path, overrides: Mapping[str, Any] | None = None) -> ProcessDefinition:
    """Load a process from any TOML file (a partnership's own process, or a draft being tested)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProcessDefinitionError(path.name, [f"cannot read file: {exc.strerror}"]) from exc
    return _parse_bytes(raw, path.name, overrides, expected_id=path.stem)


def _parse_bytes(
    raw: bytes, source: str, overrides: Mapping[str, Any] | None, *, expected_id: str | None
) -> ProcessDefinition:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProcessDefinitionError(source, [f"not UTF-8 text ({exc.reason})"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProcessDefinitionError(source, [f"not valid TOML: {exc}"]) from exc
    return parse_process(data, source=source, overrides=overrides, expected_id=expected_id)


def parse_process(
    data: Mapping[str, Any],
    *,
    source: str = "<process>",
    overrides: Mapping[str, Any] | None = None,
    expected_id: str | None = None,
) -> ProcessDefinition:
    """Validate already-parsed process data. Every problem is collected, then raised together."""
    return _Parser(source).parse(data, overrides or {}, expected_id)


_TOP_KEYS: Final = {
    "id",
    "title",
    "nation",
    "source",
    "description",
    "format",
    "settings",
    "events",
    "milestones",
    "not_required",
}
_NOT_REQUIRED_KEYS: Final = {"when", "milestones", "reason"}
_SETTING_KEYS: Final = {"default", "description", "check", "choices", "minimum", "maximum"}
_EVENT_KEYS: Final = {"id", "label", "description"}
_MILESTONE_KEYS: Final = {
    "id",
    "label",
    "kind",
    "start",
    "offset",
    "met_by",
    "ended_by",
    "responsible",
    "statutory",
    "source",
    "description",
    "pausable",
    "roll",
    "panel",
}
_START_KEYS: Final = {"event", "milestone", "date"}
_SUPPORTED_FORMAT: Final = 1


def _type_name(value: object) -> str:
    return {bool: "true/false", int: "a whole number", str: "text"}.get(type(value), type(value).__name__)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    # -- primitive readers: record an error and return None on a wrong type --------------------------

    def text(self, table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
        if key not in table:
            if required:
                self.error(f"{where}.{key}" if where else key, "is required")
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            self.error(f"{where}.{key}" if where else key, f"must be non-empty text, not {value!r}")
            return None
        return value.strip()

    def flag(self, table: Mapping[str, Any], key: str, where: str, *, default: bool | None = None) -> bool | None:
        if key not in table:
            if default is None:
                self.error(f"{where}.{key}", "is required (true or false)")
            return default
        value = table[key]
        if not isinstance(value, bool):
            self.error(f"{where}.{key}", f"must be true or false, not {value!r}")
            return default
        return value

    def unknown_keys(self, table: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(table) - allowed):
            self.error(
                f"{where}.{key}" if where else key,
                f"unknown field; expected one of {', '.join(sorted(allowed))}",
            )

    # -- the file ---------------------------------------------------------------------------------------

    def parse(
        self, data: Mapping[str, Any], overrides: Mapping[str, Any], expected_id: str | None
    ) -> ProcessDefinition:
        if not isinstance(data, Mapping):
            raise ProcessDefinitionError(self.source, ["the file must be a TOML table"])
        self.unknown_keys(data, _TOP_KEYS, "")
        fmt = data.get("format", _SUPPORTED_FORMAT)
        if fmt != _SUPPORTED_FORMAT:
            self.error("format", f"unsupported format {fmt!r}; this version reads format {_SUPPORTED_FORMAT}")

        process_id = self.text(data, "id", "")
        if process_id is not None:
            if not _PROCESS_ID.match(process_id):
                self.error("id", f"{process_id!r} must be lower-case words joined by hyphens")
            elif expected_id is not None and process_id != expected_id:
                self.error("id", f"{process_id!r} must match the file name {expected_id!r}")
        title = self.text(data, "title", "")
        source = self.text(data, "source", "")
        description = self.text(data, "description", "", required=False) or ""
        nation = self.text(data, "nation", "")
        if nation is not None:
            try:
                nation = normalise_nation(nation)
            except UnknownNation:
                self.error("nation", f"{nation!r} is not one of {', '.join(NATIONS)}")

        settings = self.parse_settings(data.get("settings", {}), overrides)
        events = self.parse_events(data.get("events"))
        event_ids = {e.id for e in events}
        milestones = self.parse_milestones(data.get("milestones"), settings, event_ids, process_id or "")
        ordered = self.order(milestones)
        not_required = self.parse_not_required(data.get("not_required", []), {m.id for m in milestones})
        if self.errors:
            raise ProcessDefinitionError(self.source, self.errors)
        assert process_id is not None and title is not None and source is not None and nation is not None
        return ProcessDefinition(
            id=process_id,
            title=title,
            nation=nation,
            source=source,
            description=description,
            events=tuple(events),
            settings=MappingProxyType(settings),
            milestones=tuple(ordered),
            origin=self.source,
            not_required=not_required,
            _milestones_by_id=MappingProxyType({m.id: m for m in ordered}),
            _events_by_id=MappingProxyType({e.id: e for e in events}),
        )

    # -- settings ---------------------------------------------------------------------------------------

    def parse_settings(self, raw: Any, overrides: Mapping[str, Any]) -> dict[str, Setting]:
        settings: dict[str, Setting] = {}
        if not isinstance(raw, Mapping):
            self.error("settings", "must be a table of settings")
            raw = {}
        for name, spec in raw.items():
            where = f"settings.{name}"
            if not _SETTING_NAME.match(name):
                self.error(where, "setting names are lower-case words joined by underscores")
                continue
            if not isinstance(spec, Mapping):
                self.error(where, "must be a table with at least a default")
                continue
            self.unknown_keys(spec, _SETTING_KEYS, where)
            if "default" not in spec:
                self.error(f"{where}.default", "is required")
                continue
            default = spec["default"]
            if not isinstance(default, int | str):
                self.error(f"{where}.default", f"must be a whole number, text or true/false, not {default!r}")
                continue
            choices_raw = spec.get("choices", [])
            choices: tuple[SettingValue, ...] = ()
            if not isinstance(choices_raw, list) or any(type(c) is not type(default) for c in choices_raw):
                self.error(
                    f"{where}.choices",
                    f"must be a list of values of the default's type ({_type_name(default)})",
                )
            else:
                choices = tuple(choices_raw)
                if choices and default not in choices:
                    self.error(f"{where}.default", f"{default!r} is not one of the choices {list(choices)!r}")
            minimum = self.bound(spec, "minimum", where, default)
            maximum = self.bound(spec, "maximum", where, default)
            if type(default) is int and not _within(default, minimum, maximum):
                self.error(f"{where}.default", f"{default} is outside {minimum}..{maximum}")
            value: SettingValue = default
            if name in overrides:
                value = self.override(name, overrides[name], default, choices, minimum, maximum)
            settings[name] = Setting(
                name=name,
                default=default,
                value=value,
                description=str(spec.get("description", "")),
                check=bool(spec.get("check", False)),
                choices=choices,
                minimum=minimum,
                maximum=maximum,
            )
        for name in sorted(set(overrides) - set(raw)):
            self.error(
                f"overrides.{name}",
                f"no such setting; this process has {', '.join(sorted(raw)) or 'no settings'}",
            )
        return settings

    def bound(self, spec: Mapping[str, Any], key: str, where: str, default: SettingValue) -> int | None:
        if key not in spec:
            return None
        value = spec[key]
        if type(default) is not int:
            self.error(f"{where}.{key}", "only whole-number settings can have bounds")
            return None
        if type(value) is not int:
            self.error(f"{where}.{key}", f"must be a whole number, not {value!r}")
            return None
        return value

    def override(
        self,
        name: str,
        value: Any,
        default: SettingValue,
        choices: tuple[SettingValue, ...],
        minimum: int | None,
        maximum: int | None,
    ) -> SettingValue:
        where = f"overrides.{name}"
        if type(value) is not type(default):
            self.error(where, f"must be {_type_name(default)} like the default {default!r}, not {value!r}")
            return default
        if choices and value not in choices:
            self.error(where, f"{value!r} is not one of {list(choices)!r}")
            return default
        if type(value) is int and not _within(value, minimum, maximum):
            self.error(where, f"{value} is outside {minimum}..{maximum}")
            return default
        return value

    # -- events -----------------------------------------------------------------------------------------

    def parse_events(self, raw: Any) -> list[Event]:
        events: list[Event] = []
        if not isinstance(raw, list) or not raw:
            self.error("events", "must be a non-empty list of [[events]] tables")
            return events
        seen: set[str] = set()
        for index, spec in enumerate(raw):
            where = f"events[{index}]"
            if not isinstance(spec, Mapping):
                self.error(where, "must be a table")
                continue
            self.unknown_keys(spec, _EVENT_KEYS, where)
            event_id = self.text(spec, "id", where)
            label = self.text(spec, "label", where)
            if event_id is None or label is None:
                continue
            if not _EVENT_ID.match(event_id):
                self.error(f"{where}.id", f"{event_id!r} must be lower-case words joined by underscores")
                continue
            if event_id in seen:
                self.error(f"{where}.id", f"{event_id!r} is defined twice")
                continue
            seen.add(event_id)
            events.append(Event(event_id, label, str(spec.get("description", ""))))
        return events

    def parse_not_required(self, raw: Any, milestone_ids: set[str]) -> tuple[tuple[str, tuple[str, ...], str], ...]:
        """``[[not_required]]`` tables: ``when`` (an outcome), ``milestones`` (ids) and ``reason``."""
        if not isinstance(raw, list):
            self.error("not_required", "must be a list of [[not_required]] tables")
            return ()
        entries: list[tuple[str, tuple[str, ...], str]] = []
        for index, spec in enumerate(raw):
            where = f"not_required[{index}]"
            if not isinstance(spec, Mapping):
                self.error(where, "must be a table")
                continue
            self.unknown_keys(spec, _NOT_REQUIRED_KEYS, where)
            when = self.text(spec, "when", where)
            reason = self.text(spec, "reason", where)
            ids = spec.get("milestones")
            if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
                self.error(f"{where}.milestones", "must be a non-empty list of milestone ids")
                continue
            unknown = [i for i in ids if i not in milestone_ids]
            if unknown:
                self.error(f"{where}.milestones", f"unknown milestone {unknown[0]!r}")
                continue
            if when is not None and reason is not None:
                entries.append((when, tuple(ids), reason))
        return tuple(entries)

    # -- milestones -------------------------------------------------------------------------------------

    def parse_milestones(
        self, raw: Any, settings: Mapping[str, Setting], event_ids: set[str], process_id: str
    ) -> list[Milestone]:
        milestones: list[Milestone] = []
        if not isinstance(raw, list) or not raw:
            self.error("milestones", "must be a non-empty list of [[milestones]] tables")
            return milestones
        ids = [spec.get("id") for spec in raw if isinstance(spec, Mapping)]
        seen: set[str] = set()
        for index, spec in enumerate(raw):
            name = spec.get("id") if isinstance(spec, Mapping) else None
            where = f"milestones[{index}]" + (f" ({name})" if isinstance(name, str) else "")
            if not isinstance(spec, Mapping):
                self.error(where, "must be a table")
                continue
            used: list[str] = []
            resolved = self.resolve_settings(spec, settings, where, used)
            milestone = self.parse_milestone(resolved, where, event_ids, ids, process_id, tuple(used))
            if milestone is None:
                continue
            if milestone.id in seen:
                self.error(f"{where}.id", f"{milestone.id!r} is defined twice")
                continue
            seen.add(milestone.id)
            milestones.append(milestone)
        return milestones

    def resolve_settings(self, value: Any, settings: Mapping[str, Setting], where: str, used: list[str]) -> Any:
        """Replace every ``{ setting = "name" }`` inside a milestone with the setting's value."""
        if isinstance(value, Mapping):
            if set(value) == {"setting"}:
                name = value["setting"]
                if not isinstance(name, str) or name not in settings:
                    self.error(where, f"refers to unknown setting {name!r}")
                    return None
                if name not in used:
                    used.append(name)
                return settings[name].value
            return {k: self.resolve_settings(v, settings, f"{where}.{k}", used) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve_settings(v, settings, f"{where}[{i}]", used) for i, v in enumerate(value)]
        return value

    def parse_milestone(
        self,
        spec: Mapping[str, Any],
        where: str,
        event_ids: set[str],
        milestone_ids: list[Any],
        process_id: str,
        settings_used: tuple[str, ...],
    ) -> Milestone | None:
        before = len(self.errors)
        self.unknown_keys(spec, _MILESTONE_KEYS, where)
        milestone_id = self.text(spec, "id", where)
        if milestone_id is not None and not _MILESTONE_ID.match(milestone_id):
            self.error(f"{where}.id", f"{milestone_id!r} must be lower-case words joined by hyphens")
        label = self.text(spec, "label", where)
        responsible = self.text(spec, "responsible", where)
        source = self.text(spec, "source", where)
        description = self.text(spec, "description", where, required=False) or ""
        statutory = self.flag(spec, "statutory", where)
        pausable = self.flag(spec, "pausable", where, default=False)
        panel = self.flag(spec, "panel", where, default=False)
        kind = self.choice(spec, "kind", where, MilestoneKind, MilestoneKind.DEADLINE)
        roll = self.choice(spec, "roll", where, Roll, Roll.NONE)
        start = self.parse_start(spec.get("start"), f"{where}.start", event_ids, milestone_ids, milestone_id)
        offset = self.parse_offset(spec.get("offset"), f"{where}.offset")
        if offset is not None and offset.unit is OffsetUnit.WORKING_DAYS and roll is not Roll.NONE:
            self.error(f"{where}.roll", "a working-day offset always lands on a working day; remove roll")

        def event_ref(key: str) -> str | None:
            if key not in spec:
                return None
            ref = self.text(spec, key, where)
            if ref is not None and ref not in event_ids:
                self.error(f"{where}.{key}", f"unknown event {ref!r}; declare it under [[events]]")
            return ref

        met_by = event_ref("met_by")
        ended_by = event_ref("ended_by")
        if kind is MilestoneKind.DEADLINE:
            if "met_by" not in spec:
                self.error(f"{where}.met_by", "is required for a deadline: the event that meets it")
            if "ended_by" in spec:
                self.error(f"{where}.ended_by", "applies only to a minimum_period; a deadline uses met_by")
        elif "met_by" in spec:
            self.error(
                f"{where}.met_by",
                "a minimum_period is met when its period runs out; use ended_by for the event that ends it",
            )
        if len(self.errors) > before:
            return None
        assert milestone_id and label and responsible and source and statutory is not None
        assert start is not None and offset is not None and kind is not None and roll is not None
        return Milestone(
            id=milestone_id,
            label=label,
            kind=kind,
            start=start,
            offset=offset,
            responsible=responsible,
            statutory=statutory,
            source=source,
            met_by=met_by,
            ended_by=ended_by,
            description=description,
            pausable=bool(pausable),
            roll=roll,
            process_id=process_id,
            settings_used=settings_used,
            panel=bool(panel),
        )

    def choice[E: StrEnum](self, spec: Mapping[str, Any], key: str, where: str, enum: type[E], default: E) -> E | None:
        if key not in spec:
            return default
        value = spec[key]
        try:
            return enum(value)
        except ValueError:
            self.error(f"{where}.{key}", f"{value!r} is not one of {', '.join(e.value for e in enum)}")
            return None

    def parse_start(
        self, raw: Any, where: str, event_ids: set[str], milestone_ids: list[Any], own_id: str | None
    ) -> ClockStart | None:
        if not isinstance(raw, Mapping):
            self.error(where, 'is required: { event = "..." } or { milestone = "..." }')
            return None
        self.unknown_keys(raw, _START_KEYS, where)
        has_event, has_milestone = "event" in raw, "milestone" in raw
        if has_event == has_milestone:
            self.error(where, "needs exactly one of event or milestone")
            return None
        if has_event:
            event = raw["event"]
            if "date" in raw:
                self.error(f"{where}.date", "applies only to a milestone start")
            if not isinstance(event, str) or event not in event_ids:
                self.error(f"{where}.event", f"unknown event {event!r}; declare it under [[events]]")
                return None
            return ClockStart(event=event)
        milestone = raw["milestone"]
        if not isinstance(milestone, str) or milestone not in milestone_ids:
            self.error(f"{where}.milestone", f"unknown milestone {milestone!r}")
            return None
        if milestone == own_id:
            self.error(f"{where}.milestone", "a milestone cannot start from itself")
            return None
        which = raw.get("date", "met")
        if which not in ("met", "due"):
            self.error(f"{where}.date", f"{which!r} must be 'met' or 'due'")
            return None
        return ClockStart(milestone=milestone, milestone_date=which)

    def parse_offset(self, raw: Any, where: str) -> Offset | None:
        units = ", ".join(u.value for u in OffsetUnit)
        if not isinstance(raw, Mapping) or len(raw) != 1:
            self.error(where, f"must be a table with exactly one of {units}, e.g. {{ working_days = 5 }}")
            return None
        ((unit_name, amount),) = raw.items()
        try:
            unit = OffsetUnit(unit_name)
        except ValueError:
            self.error(where, f"unknown unit {unit_name!r}; expected one of {units}")
            return None
        if type(amount) is not int:
            self.error(f"{where}.{unit_name}", f"must be a whole number (negative for 'before'), not {amount!r}")
            return None
        return Offset(amount, unit)

    def order(self, milestones: list[Milestone]) -> list[Milestone]:
        """Dependency order (stable): a milestone starting from another is evaluated after it."""
        by_id = {m.id: m for m in milestones}
        ordered: list[Milestone] = []
        state: dict[str, Literal["visiting", "done"]] = {}

        def visit(m: Milestone, path: list[str]) -> None:
            if state.get(m.id) == "done":
                return
            if state.get(m.id) == "visiting":
                cycle = " -> ".join([*path[path.index(m.id) :], m.id])
                self.error("milestones", f"clocks start from each other in a cycle: {cycle}")
                return
            state[m.id] = "visiting"
            if m.start.milestone is not None and m.start.milestone in by_id:
                visit(by_id[m.start.milestone], [*path, m.id])
            state[m.id] = "done"
            ordered.append(m)

        for m in milestones:
            visit(m, [])
        return ordered


def _within(value: int, minimum: int | None, maximum: int | None) -> bool:
    return (minimum is None or value >= minimum) and (maximum is None or value <= maximum)
