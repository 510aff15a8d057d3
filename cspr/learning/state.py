"""An action's state machine (issue 15: "Actions use the generic state machine"; DESIGN.md rule 3): open ->
evidence waiting to be accepted -> closed, or back to open when the evidence is sent back with reasons."""

from __future__ import annotations

from django.http import HttpRequest

from cspr.learning.models import Action, ActionState, Evidence
from cspr.partnerships.models import User
from cspr.workflow import Machine
from cspr.workflow import Move as _Move

A = ActionState


def _evidence_waiting(action: Action) -> str | None:
    if not Evidence.objects.filter(action=action, decision=Evidence.Decision.PENDING).exists():
        return "Attach the evidence of what was done first."
    return None


def _evidence_accepted(action: Action) -> str | None:
    if not Evidence.objects.filter(action=action, decision=Evidence.Decision.ACCEPTED).exists():
        return "The evidence must be accepted before the action closes."
    return None


def _evidence_returned(action: Action) -> str | None:
    if Evidence.objects.filter(action=action, decision=Evidence.Decision.PENDING).exists():
        return "Evidence is still waiting to be accepted or sent back."
    return None


Move = _Move[Action, ActionState]

TRANSITIONS: dict[ActionState, list[Move]] = {
    A.OPEN: [Move(A.EVIDENCE_SUBMITTED, "Evidence attached", _evidence_waiting)],
    A.EVIDENCE_SUBMITTED: [
        Move(A.CLOSED, "Evidence accepted: action closed", _evidence_accepted),
        Move(A.OPEN, "Evidence sent back", _evidence_returned),
    ],
    A.CLOSED: [],
}

ACTION_MACHINE: Machine[Action, ActionState] = Machine(
    model=Action,
    states=ActionState,
    moves=TRANSITIONS,
    audit_action="learning.action_state_changed",
    partnership=lambda action: action.partnership_id,
)


def action_transition(
    *, actor: User | None, action: Action, to: ActionState | str, request: HttpRequest | None = None
) -> Action:
    return ACTION_MACHINE.move(actor=actor, obj=action, to=to, request=request)
