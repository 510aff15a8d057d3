"""A small generic state machine (DESIGN.md rule 3), for the case today and the local review and action plans
next: a model, its state field, and a table of moves, each with a guard, who makes it and its label.

``Machine.move`` is the one door through which a record's state changes: it refuses a move that is not in the
table or whose guard answers a reason, locks the row, checks nobody moved it meanwhile, writes the new state and
version, runs the machine's ``after_move`` hook (recomputing clocks, say) and appends the audit event, all in one
transaction. This package imports no domain app.
"""

from cspr.workflow.machine import Guard, Machine, Move, always

__all__ = ["Guard", "Machine", "Move", "always"]
