"""One case: what the reader may see of it, and its statutory clocks."""

from __future__ import annotations

from cspr.cases.api.common import CASES, answers, case_detail_out, case_for, clocks_out, router
from cspr.cases.api.schemas import CaseDetailOut, ClockOut
from cspr.partnerships.types import AuthedRequest


@router.get(
    "/{int:case_id}",
    response=answers(CaseDetailOut),
    tags=CASES,
    operation_id="case_get",
    summary="One case, with what you may see of each step",
)
def case_get(request: AuthedRequest, case_id: int) -> CaseDetailOut:
    """The partnership's own people see the whole case: the referral, the notification with the children's
    names and dates of birth, the rapid review and every round of the decision. The national Panel sees the
    notification (children by pseudonym, age band, sex and legal status), and the rapid review and decision
    only once they were sent to it; a round after its challenge only once the justification was sent, and
    then without that meeting's votes and advice. Agency requests and answers are never part of it (see
    GET /{case_id}/rapid-review/requests). Agency contributors and other partnerships get 404.
    The read is audited."""
    return case_detail_out(request, case_for(request, case_id, log_read=True))


@router.get(
    "/{int:case_id}/clocks",
    response=answers(list[ClockOut]),
    tags=CASES,
    operation_id="case_clocks",
    summary="The case's statutory clocks, each explaining its due date",
)
def case_clocks(request: AuthedRequest, case_id: int) -> list[ClockOut]:
    """Each milestone with its start, statutory and effective due dates, status, working days late (or to go)
    and the lines that explain the date: the start event, the rule and the days skipped (weekends, bank
    holidays, office closures), from cspr.timescales with the partnership's calendar. The national Panel reads
    the clocks of what the partnership owes it (notification, rapid review, final report, publication), not the
    partnership's local ones such as the agency summaries."""
    return clocks_out(request, case_for(request, case_id))
