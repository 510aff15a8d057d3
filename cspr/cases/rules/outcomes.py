"""Which stage each outcome leads to (DOMAIN.md steps 4 and 5): the partners' decision, then the Panel's
response to it. The state machine's moves from "sent to the Panel" are these, read from one table."""

from __future__ import annotations

from cspr.cases.models import CaseState, ReviewOption

# The Panel agreed with the partners' decision: the case goes where the decision said. A national review is the
# Panel's own decision (its response says so), so it is not an outcome of agreement.
AGREED_OUTCOME_STAGE: dict[str, CaseState] = {
    ReviewOption.LOCAL_REVIEW: CaseState.LOCAL_REVIEW,
    ReviewOption.LEARNING_REVIEW: CaseState.LEARNING_REVIEW,
    ReviewOption.NO_REVIEW: CaseState.NO_REVIEW,
}
