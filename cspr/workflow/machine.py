"""The machine itself: see the package docstring."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from cspr.audit.services import audit_record
from cspr.core.errors import IllegalTransition

if TYPE_CHECKING:
    from cspr.partnerships.models import User  # annotations only: the machine imports no domain app

type Guard[M] = Callable[[M], str | None]


def always(_: object) -> str | None:
    """A guard for a move whose only condition is who makes it (the Panel deciding on a national review)."""
    return None


@dataclass(frozen=True)
class Move[M, S: StrEnum]:
    """One allowed move: to which state, its label, who makes it, and the guard that says why not yet."""

    to: S
    label: str
    guard: Guard[M]
    who: str = ""


class Machine[M: models.Model, S: StrEnum]:
    """A table of moves for one model's state field. ``partnership`` names the record's partnership for the
    audit event; ``after_move`` runs inside the move's transaction on the locked row."""

    def __init__(
        self,
        *,
        model: type[M],
        states: type[S],
        moves: Mapping[S, Sequence[Move[M, S]]],
        field: str = "state",
        audit_action: str,
        partnership: Callable[[M], int | None],
        after_move: Callable[[M], None] | None = None,
    ) -> None:
        self.model = model
        self.states = states
        self.moves = moves
        self.field = field
        self.audit_action = audit_action
        self.partnership = partnership
        self.after_move = after_move

    def state_of(self, obj: M) -> S:
        return self.states(getattr(obj, self.field))

    def allowed(self, obj: M) -> Sequence[Move[M, S]]:
        """The moves the table has from the record's current state (guards not yet asked)."""
        return self.moves.get(self.state_of(obj), ())

    def is_final(self, state: S) -> bool:
        return not self.moves.get(state)

    def _label(self, state: S) -> str:
        return str(getattr(state, "label", state.value))

    def move(self, *, actor: User | None, obj: M, to: S | str, request: HttpRequest | None = None) -> M:
        """Move ``obj`` to ``to`` if the table allows it and the move's guard passes; audit the move."""
        target = self.states(to)
        current = self.state_of(obj)
        move = next((m for m in self.allowed(obj) if m.to == target), None)
        if move is None:
            onward = self.moves.get(current)
            raise IllegalTransition(
                f"A {self.model._meta.verbose_name} cannot go from '{self._label(current)}' to "
                f"'{self._label(target)}'."
                + (
                    " Next it can go to: " + ", ".join(self._label(m.to) for m in onward) + "."
                    if onward
                    else " This is a final stage."
                )
            )
        problem = move.guard(obj)
        if problem:
            raise IllegalTransition(problem)
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update().get(pk=obj.pk)
            if getattr(locked, self.field) != current:
                raise IllegalTransition("Someone else moved this on while you were working. Reload the page.")
            setattr(locked, self.field, target.value)
            fields = [self.field]
            for name, value in (("updated_at", timezone.now()), ("version", getattr(locked, "version", 0) + 1)):
                if hasattr(locked, name):
                    setattr(locked, name, value)
                    fields.append(name)
            locked.save(update_fields=fields)
            if self.after_move is not None:
                self.after_move(locked)
            audit_record(
                actor=actor,
                action=self.audit_action,
                partnership=self.partnership(locked),
                target=obj,
                before={self.field: current.value},
                after={self.field: target.value},
                request=request,
            )
        for name in fields:
            setattr(obj, name, getattr(locked, name))
        return obj
