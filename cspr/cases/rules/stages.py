"""Named sets of case stages (the saleor pattern: ``ORDER_EDITABLE_STATUS`` beside the status list).

Each set answers one question that services, the state machine, the visibility policy and the API all ask,
so the answer is written once. The stages are :class:`cspr.cases.models.CaseState`.
"""

from __future__ import annotations

from cspr.cases.models import CaseState

S = CaseState

# Screening happens once, while the referral waits (DOMAIN.md step 1).
SCREENING = frozenset({S.REFERRED})

# The notification is prepared and changed freely until it is sent (DOMAIN.md step 2). After that the Panel
# has read it: a change is a correction, a new dated version the Panel is told about, made until the rapid
# review goes to the partners, who then decide on what it says (issue "Prove it holds", defect 8).
NOTIFICATION_EDITABLE = frozenset({S.NOTIFICATION})
NOTIFICATION_SENDABLE = frozenset({S.NOTIFICATION})
NOTIFICATION_CORRECTABLE = frozenset({S.RAPID_REVIEW})

# The rapid review, its agency requests, chronology and immediate actions change while it is in progress or
# being decided, and never once it went to the Panel (DOMAIN.md step 3; the record must match what was sent).
RAPID_REVIEW_EDITABLE = frozenset({S.RAPID_REVIEW, S.DECISION})
RAPID_REVIEW_SUBMITTABLE = frozenset({S.RAPID_REVIEW})

# The partners decide, first after the rapid review, again after a Panel challenge (DOMAIN.md steps 4 and 5).
DECIDING = frozenset({S.DECISION, S.PANEL_CHALLENGED})
RAPID_REVIEW_SENDABLE = frozenset({S.DECISION})
JUSTIFICATION_SENDABLE = frozenset({S.PANEL_CHALLENGED})

# The Panel responds to what it was sent (DOMAIN.md step 5).
AWAITING_PANEL = frozenset({S.SENT_TO_PANEL})

# The local review is carried out and then published (DOMAIN.md steps 6 to 10) through the review app
# (cspr/reviews), whose publication plan moves the case to PUBLISHED.

# Stages at which nothing more happens on the case: no files, no clocks owed.
ENDED = frozenset({S.NO_FURTHER_ACTION, S.CLOSED, S.NO_REVIEW})
FILES_CLOSED = frozenset({S.NO_FURTHER_ACTION, S.CLOSED})

# Stages at which the partners have decided and the rapid review exists (reading the decision's outcome).
DECIDED_OR_LATER = frozenset(
    {S.SENT_TO_PANEL, S.PANEL_CHALLENGED, S.LOCAL_REVIEW, S.PUBLISHED, S.NATIONAL_REVIEW, S.NO_REVIEW}
)
