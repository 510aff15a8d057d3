"""What every seat should get from every case page and every /api/v1/cases operation, at every stage of a case:
the expected outcomes of tests/test_access_matrix.py (issue "One shape", item 2).

The rules are written here once, in the domain's words (DOMAIN.md "Who uses the system", "The chain" and "Data
protection"; docs/cases.md "Who sees what"), and deliberately *not* read from ``cspr.cases.visibility`` or
``cspr.cases.rules.stages``: a mistake in the product's policy must show up as a cell that disagrees with this
file. The stage sets below are therefore spelt out, not imported.

A cell's outcome is the first of these that applies:

1. Nobody signed in: a page sends them to sign in (302 to /sign-in/), the API answers 401.
2. Signed in with the password only: a page sends them to the second factor (302 to /sign-in/two-factor/); the
   API, reached with that session cookie and no token, answers 401.
3. Someone who may not read the case (another partnership's people; the partnership's agency contributors,
   reviewers and the system administrator; the Panel on a case whose notification was never sent to it): 404,
   as if the case were not there (DESIGN.md rule 1). The request addressed to a contributor is theirs alone.
4. The row's own rule: ``Read``, ``Page`` (a step's page), ``Write`` (a step through the API), ``Addressed``,
   or, for rows that name no case, ``Anyone``, ``Only``, ``Join`` and ``Audit``.

Never a 500, whatever the cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cspr.cases.models import CaseState
from cspr.partnerships.roles import Role

S = CaseState

# --- the seats (columns) ------------------------------------------------------------------------------------


class Who(StrEnum):
    BUSINESS_MANAGER = "business manager"
    DECISION_MAKER_LA = "decision maker (LA)"
    DECISION_MAKER_POLICE = "decision maker (police)"
    DECISION_MAKER_ICB = "decision maker (ICB)"
    SCRUTINEER = "scrutineer"
    REVIEWER = "reviewer"
    CONTRIBUTOR_ASKED = "agency contributor asked by the request"
    CONTRIBUTOR_NOT_ASKED = "agency contributor asked by another request"
    AUDITOR = "auditor"
    PANEL = "Panel member"
    SYSTEM_ADMIN = "system administrator"
    ANONYMOUS = "nobody signed in"
    PASSWORD_ONLY = "password only, no second factor"


# The role each seat holds (the password-only seat holds every role: only the missing factor stops it).
ROLE_OF: dict[Who, Role] = {
    Who.BUSINESS_MANAGER: Role.BUSINESS_MANAGER,
    Who.DECISION_MAKER_LA: Role.DECISION_MAKER_LA,
    Who.DECISION_MAKER_POLICE: Role.DECISION_MAKER_POLICE,
    Who.DECISION_MAKER_ICB: Role.DECISION_MAKER_ICB,
    Who.SCRUTINEER: Role.SCRUTINEER,
    Who.REVIEWER: Role.REVIEWER,
    Who.CONTRIBUTOR_ASKED: Role.AGENCY_CONTRIBUTOR,
    Who.CONTRIBUTOR_NOT_ASKED: Role.AGENCY_CONTRIBUTOR,
    Who.AUDITOR: Role.AUDITOR,
    Who.PANEL: Role.PANEL_MEMBER,
    Who.SYSTEM_ADMIN: Role.SYSTEM_ADMIN,
}

# Seats held nationally or by nobody: one column each. Every other seat has two, the case's own partnership
# and another partnership (the same role held there).
NATIONAL = frozenset({Who.PANEL, Who.SYSTEM_ADMIN, Who.ANONYMOUS, Who.PASSWORD_ONLY})

BM = frozenset({Who.BUSINESS_MANAGER})
DECISION_MAKERS = frozenset({Who.DECISION_MAKER_LA, Who.DECISION_MAKER_POLICE, Who.DECISION_MAKER_ICB})
CONTRIBUTORS = frozenset({Who.CONTRIBUTOR_ASKED, Who.CONTRIBUTOR_NOT_ASKED})
# DOMAIN.md: the business manager runs the process, the decision makers decide, the scrutineer "reads everything
# of their partnership", the auditor is read-only: these read every case of their own partnership, whole.
# Reviewers see only the review they are commissioned for (none here); contributors only their requests; the
# system administrator no case data (need-to-know).
READERS = BM | DECISION_MAKERS | {Who.SCRUTINEER, Who.AUDITOR}
# DOMAIN.md step 12, assurance: the business manager draws and scores the audit; the scrutineer and the
# auditor read it.
AUDIT_READERS = BM | {Who.SCRUTINEER, Who.AUDITOR}


# --- what the rules need to know about the case (read from the records by the test, not from the policy) -------


@dataclass(frozen=True)
class CaseFacts:
    state: CaseState
    sent_to_panel: bool  # the notification went to the Panel (Case.sent_to_panel_at)
    has_notification: bool
    has_rapid_review: bool
    rapid_review_sent: bool  # RapidReview.sent_on
    round: int  # the latest round of the partners' decision, 0 when there is none
    status: str  # that round's status, "" when there is none


def reads_case(who: Who, own: bool, case: CaseFacts) -> bool:
    if who in READERS:
        return own
    return who == Who.PANEL and case.sent_to_panel


# --- the steps of the chain: who takes each, at which stages, and what must be true first ---------------------


class Step(StrEnum):
    SCREEN = "screen the referral"
    CHANGE_NOTIFICATION = "change the notification"
    CORRECT_NOTIFICATION = "correct the notification after it was sent"
    SEND_NOTIFICATION = "record the notification as sent"
    WRITE_RAPID_REVIEW = "write up the rapid review"
    ASK_AGENCY = "ask an agency for a summary (or withdraw the request)"
    CHANGE_CHRONOLOGY = "add, change or remove episodes and immediate actions"
    SUBMIT_FOR_DECISION = "submit the rapid review for the partners' decision"
    VOTE = "vote"
    ADVISE = "advise the decision makers"
    DECIDE_BY_MAJORITY = "record the majority decision"
    TELL_FAMILY = "record telling the family"
    WRITE_FAMILY_LETTER = "write the family letter"
    SEND_RAPID_REVIEW = "record the rapid review as sent to the Panel"
    SEND_JUSTIFICATION = "send the partners' justification to the Panel"
    RESPOND_AS_PANEL = "record the Panel's response"
    ATTACH_FILE = "attach a file"


WHO_TAKES: dict[Step, frozenset[Who]] = {
    Step.SCREEN: BM,
    Step.CHANGE_NOTIFICATION: BM,
    Step.CORRECT_NOTIFICATION: BM,
    Step.SEND_NOTIFICATION: BM,
    Step.WRITE_RAPID_REVIEW: BM,
    Step.ASK_AGENCY: BM,
    Step.CHANGE_CHRONOLOGY: BM,
    Step.SUBMIT_FOR_DECISION: BM,
    Step.VOTE: DECISION_MAKERS,
    Step.ADVISE: frozenset({Who.SCRUTINEER}),
    Step.DECIDE_BY_MAJORITY: BM | DECISION_MAKERS,
    Step.TELL_FAMILY: BM,
    Step.WRITE_FAMILY_LETTER: BM,
    Step.SEND_RAPID_REVIEW: BM,
    Step.SEND_JUSTIFICATION: BM,
    Step.RESPOND_AS_PANEL: frozenset({Who.PANEL}),
    Step.ATTACH_FILE: BM,
}

_RAPID_REVIEW_WORK = (Step.WRITE_RAPID_REVIEW, Step.ASK_AGENCY, Step.CHANGE_CHRONOLOGY)
_PARTNERS_DECIDE = (Step.VOTE, Step.ADVISE, Step.DECIDE_BY_MAJORITY)
_FAMILY = (Step.TELL_FAMILY, Step.WRITE_FAMILY_LETTER)  # once the partners have decided (READY below)


def _at(*steps: Step | tuple[Step, ...]) -> frozenset[Step]:
    return frozenset(s for step in steps for s in (step if isinstance(step, tuple) else (step,)))


# The steps each stage of the state machine opens (DOMAIN.md steps 1 to 10). One line per stage: a stage missing
# here fails test_the_table_is_complete.
OPEN_AT: dict[CaseState, frozenset[Step]] = {
    S.REFERRED: _at(Step.SCREEN, Step.ATTACH_FILE),
    S.NOTIFICATION: _at(Step.CHANGE_NOTIFICATION, Step.SEND_NOTIFICATION, Step.ATTACH_FILE),
    # Sent, the notification is no longer edited: it is corrected (a new dated version the Panel is told about)
    # until the rapid review goes to the partners.
    S.RAPID_REVIEW: _at(Step.CORRECT_NOTIFICATION, _RAPID_REVIEW_WORK, Step.SUBMIT_FOR_DECISION, Step.ATTACH_FILE),
    # The rapid review's record changes while the partners decide, until it is sent to the Panel.
    S.DECISION: _at(_RAPID_REVIEW_WORK, _PARTNERS_DECIDE, _FAMILY, Step.SEND_RAPID_REVIEW, Step.ATTACH_FILE),
    S.SENT_TO_PANEL: _at(Step.RESPOND_AS_PANEL, _FAMILY, Step.ATTACH_FILE),
    # After a challenge the partners meet again with the scrutineer and send their justification.
    S.PANEL_CHALLENGED: _at(_PARTNERS_DECIDE, _FAMILY, Step.SEND_JUSTIFICATION, Step.ATTACH_FILE),
    # Published from the local review's publication plan (cspr/reviews; tests/reviews/test_review_access.py).
    S.LOCAL_REVIEW: _at(_FAMILY, Step.ATTACH_FILE),
    S.PUBLISHED: _at(_FAMILY, Step.ATTACH_FILE),
    S.NATIONAL_REVIEW: _at(_FAMILY, Step.ATTACH_FILE),
    # Reached by screening, or after the partners decided and the Panel agreed: the family is told then.
    S.LEARNING_REVIEW: _at(_FAMILY, Step.ATTACH_FILE),
    S.NO_REVIEW: _at(_FAMILY, Step.ATTACH_FILE),
    # Screened out, or notified and closed: nothing more happens, no files.
    S.NO_FURTHER_ACTION: _at(),
    S.CLOSED: _at(),
}

Facts = Callable[[CaseFacts], bool]


def ALWAYS(case: CaseFacts) -> bool:
    return True


def NEVER(case: CaseFacts) -> bool:
    return False


def NOTIFIED(case: CaseFacts) -> bool:
    return case.has_notification


def HAS_RAPID_REVIEW(case: CaseFacts) -> bool:
    return case.has_rapid_review


def RAPID_REVIEW_SENT(case: CaseFacts) -> bool:
    return case.rapid_review_sent


def RAPID_REVIEW_NOT_SENT(case: CaseFacts) -> bool:
    return case.has_rapid_review and not case.rapid_review_sent  # the record must match what was sent


def VOTING(case: CaseFacts) -> bool:
    return case.status in {"voting", "revoting"}


def ADVICE_WANTED(case: CaseFacts) -> bool:
    """The first-round partners disagree, or any round after a Panel challenge, until it is decided."""
    return case.status == "scrutineer" or (case.round >= 2 and case.status != "decided")


def ADVISED(case: CaseFacts) -> bool:
    return case.status == "revoting"


def DECIDED(case: CaseFacts) -> bool:
    return case.status == "decided"


def FIRST_ROUND_DECIDED(case: CaseFacts) -> bool:
    return case.round == 1 and case.status == "decided"


def LATER_ROUND_DECIDED(case: CaseFacts) -> bool:
    return case.round >= 2 and case.status == "decided"


# What must be true besides the stage.
READY: dict[Step, Facts] = {
    Step.WRITE_RAPID_REVIEW: RAPID_REVIEW_NOT_SENT,
    Step.ASK_AGENCY: RAPID_REVIEW_NOT_SENT,
    Step.CHANGE_CHRONOLOGY: RAPID_REVIEW_NOT_SENT,
    Step.VOTE: VOTING,
    Step.ADVISE: ADVICE_WANTED,
    Step.DECIDE_BY_MAJORITY: ADVISED,
    Step.TELL_FAMILY: DECIDED,
    Step.WRITE_FAMILY_LETTER: DECIDED,
    Step.SEND_RAPID_REVIEW: FIRST_ROUND_DECIDED,
    Step.SEND_JUSTIFICATION: LATER_ROUND_DECIDED,
}


def step_open(step: Step, case: CaseFacts) -> bool:
    return step in OPEN_AT[case.state] and READY.get(step, ALWAYS)(case)


# --- outcomes -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One of ``codes``; for a redirect, a Location starting with ``to`` ({case_id} filled in by the test)."""

    name: str
    codes: frozenset[int]
    to: str = ""

    def __str__(self) -> str:
        return self.name


def _codes(*codes: int) -> frozenset[int]:
    return frozenset(codes)


OK = Outcome("200", _codes(200))
NOT_THERE = Outcome("404", _codes(404))
BACK_TO_CASE = Outcome("302 back to the case", _codes(302), "/cases/{case_id}/")
TO_SIGN_IN = Outcome("302 to sign in", _codes(302), "/sign-in/")
TO_SECOND_FACTOR = Outcome("302 to the second factor", _codes(302), "/sign-in/two-factor/")
UNAUTHENTICATED = Outcome("401", _codes(401))
REFUSED = Outcome("403 or 404", _codes(403, 404))
# The step is the seat's to take: the service may still refuse it at this stage (409, 422), which the
# services' own tests check; what matters here is that it is not refused as someone else's.
TAKEN = Outcome("not refused (2xx, 409, 422)", frozenset(range(200, 500)) - {401, 403, 404})


# --- rows ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """A read of the case: its readers get it, the Panel where ``panel`` says, once the thing ``exists``."""

    panel: Facts = ALWAYS
    exists: Facts = ALWAYS
    method: str = "get"

    def outcome(self, who: Who, own: bool, case: CaseFacts) -> Outcome:
        if not reads_case(who, own, case) or (who == Who.PANEL and not self.panel(case)):
            return NOT_THERE
        return OK if self.exists(case) else NOT_THERE


@dataclass(frozen=True)
class Page:
    """A step's page. Whoever's role never takes the step gets 404 (the page is not there for them); the role
    that takes it gets the form (200) when the step is open, else goes back to the case, which says why (302).
    ``post``: the page only takes a POST, which always goes back to the case."""

    step: Step
    post: bool = False

    @property
    def method(self) -> str:
        return "post" if self.post else "get"

    def outcome(self, who: Who, own: bool, case: CaseFacts) -> Outcome:
        if not reads_case(who, own, case) or who not in WHO_TAKES[self.step]:
            return NOT_THERE
        return OK if step_open(self.step, case) and not self.post else BACK_TO_CASE


@dataclass(frozen=True)
class Write:
    """A step through the API, with a body it accepts: a reader whose role never takes it is refused."""

    step: Step
    method: str = "post"

    def outcome(self, who: Who, own: bool, case: CaseFacts) -> Outcome:
        if not reads_case(who, own, case):
            return NOT_THERE
        return TAKEN if who in WHO_TAKES[self.step] else REFUSED


@dataclass(frozen=True)
class Addressed:
    """An agency request: only the contributor it is addressed to reads or answers it; nobody else, not even the
    partnership's readers, reaches it here (they read requests on the case)."""

    method: str = "get"

    def outcome(self, who: Who, own: bool, case: CaseFacts | None) -> Outcome:
        if who == Who.CONTRIBUTOR_ASKED and own:
            return OK if self.method == "get" else TAKEN
        return NOT_THERE


# Rows that name no case: the state of a case does not enter; ``own`` is the partnership the row names.


@dataclass(frozen=True)
class Anyone:
    """A list of what the seat may see: everyone signed in gets it (empty if there is nothing)."""

    method: str = "get"

    def outcome(self, who: Who, own: bool, case: CaseFacts | None) -> Outcome:
        return OK


@dataclass(frozen=True)
class Only:
    """A page for some roles in whichever partnership they hold them (or nationally): 404 for the others."""

    roles: frozenset[Who]
    method: str = "get"

    def outcome(self, who: Who, own: bool, case: CaseFacts | None) -> Outcome:
        return OK if who in self.roles else NOT_THERE


@dataclass(frozen=True)
class Join:
    """Opening a case in the named partnership: its members in ``roles`` may; its other members are refused;
    anyone outside it is told it is not there."""

    roles: frozenset[Who]
    method: str = "post"

    def outcome(self, who: Who, own: bool, case: CaseFacts | None) -> Outcome:
        if who in NATIONAL or not own:
            return NOT_THERE
        return TAKEN if who in self.roles else REFUSED


@dataclass(frozen=True)
class Audit:
    """A rapid review audit of the partnership: its audit readers read it, ``takers`` may change it (a write),
    or open its page (``takers`` on a read)."""

    takers: frozenset[Who] = AUDIT_READERS
    method: str = "get"

    def outcome(self, who: Who, own: bool, case: CaseFacts | None) -> Outcome:
        if who not in AUDIT_READERS or not own:
            return NOT_THERE
        if who in self.takers:
            return OK if self.method == "get" else TAKEN
        return NOT_THERE if self.method == "get" else REFUSED


Row = Read | Page | Write | Addressed | Anyone | Only | Join | Audit

# --- the table: every case page (URL pattern) and every /api/v1/cases operation ------------------------------

PAGES: dict[str, Row] = {
    "cases/": Anyone(),
    "cases/referrals/new/": Only(BM | CONTRIBUTORS),  # any agency may refer (DOMAIN.md step 1)
    "cases/notifications/new/": Only(BM),
    "panel/": Only(frozenset({Who.PANEL})),
    "cases/<int:case_id>/": Read(),
    # The partnership's own business: the audit trail and the calendar of every milestone.
    "cases/<int:case_id>/audit/": Read(panel=NEVER),
    "cases/<int:case_id>/calendar.ics": Read(panel=NEVER),
    # The rapid review report: the Panel once the rapid review was sent to it.
    "cases/<int:case_id>/documents/<slug:kind>.<str:fmt>": Read(panel=RAPID_REVIEW_SENT, exists=HAS_RAPID_REVIEW),
    # The file used here was part of the notification when it was sent, so the Panel has it too.
    "cases/<int:case_id>/attachments/<int:attachment_id>/": Read(),
    "cases/<int:case_id>/screen/": Page(Step.SCREEN),
    "cases/<int:case_id>/notification/": Page(Step.CHANGE_NOTIFICATION),
    "cases/<int:case_id>/notification/sent/": Page(Step.SEND_NOTIFICATION),
    "cases/<int:case_id>/notification/correct/": Page(Step.CORRECT_NOTIFICATION),
    "cases/<int:case_id>/rapid-review/": Page(Step.WRITE_RAPID_REVIEW),
    "cases/<int:case_id>/rapid-review/requests/new/": Page(Step.ASK_AGENCY),
    "cases/<int:case_id>/rapid-review/episodes/new/": Page(Step.CHANGE_CHRONOLOGY),
    "cases/<int:case_id>/rapid-review/actions/new/": Page(Step.CHANGE_CHRONOLOGY),
    "cases/<int:case_id>/rapid-review/episodes/<int:episode_id>/": Page(Step.CHANGE_CHRONOLOGY),
    "cases/<int:case_id>/rapid-review/episodes/<int:episode_id>/remove/": Page(Step.CHANGE_CHRONOLOGY),
    "cases/<int:case_id>/rapid-review/actions/<int:action_id>/": Page(Step.CHANGE_CHRONOLOGY),
    "cases/<int:case_id>/rapid-review/actions/<int:action_id>/remove/": Page(Step.CHANGE_CHRONOLOGY),
    "cases/<int:case_id>/rapid-review/submit/": Page(Step.SUBMIT_FOR_DECISION, post=True),
    "cases/<int:case_id>/rapid-review/sent/": Page(Step.SEND_RAPID_REVIEW),
    "cases/<int:case_id>/decision/vote/": Page(Step.VOTE),
    "cases/<int:case_id>/decision/advice/": Page(Step.ADVISE),
    "cases/<int:case_id>/decision/majority/": Page(Step.DECIDE_BY_MAJORITY),
    "cases/<int:case_id>/decision/family/": Page(Step.TELL_FAMILY),
    "cases/<int:case_id>/decision/justification/": Page(Step.SEND_JUSTIFICATION),
    "cases/<int:case_id>/family-letter/": Page(Step.WRITE_FAMILY_LETTER),
    "cases/<int:case_id>/panel-response/": Page(Step.RESPOND_AS_PANEL),
    "cases/<int:case_id>/attachments/new/": Page(Step.ATTACH_FILE),
    "requests/<int:request_id>/": Addressed(),
    "rapid-review-audits/": Only(AUDIT_READERS),
    "rapid-review-audits/<int:audit_id>/": Audit(),
    "rapid-review-audits/<int:audit_id>/items/<int:item_id>/": Audit(takers=BM),  # the scoring form
    "rapid-review-audits/<int:audit_id>/summary.<str:fmt>": Audit(),
}

_A = "/api/v1/cases"
_C = "/api/v1/cases/{case_id}"

API: dict[str, Row] = {
    f"GET {_A}/": Anyone(),
    f"GET {_A}/referrals": Anyone(),  # the referrals the seat made
    f"POST {_A}/referrals": Join(BM | CONTRIBUTORS),
    f"POST {_A}/notifications": Join(BM),
    f"GET {_A}/requests": Anyone(),  # the requests addressed to the seat
    f"GET {_A}/requests/{{request_id}}": Addressed(),
    f"POST {_A}/requests/{{request_id}}/response": Addressed(method="post"),
    f"GET {_A}/panel": Only(frozenset({Who.PANEL})),
    f"GET {_A}/rr-audits": Anyone(),
    f"POST {_A}/rr-audits": Join(BM),
    f"GET {_A}/rr-audits/{{audit_id}}": Audit(),
    f"POST {_A}/rr-audits/{{audit_id}}/items/{{item_id}}/scores": Audit(takers=BM, method="post"),
    f"POST {_A}/rr-audits/{{audit_id}}/complete": Audit(takers=BM, method="post"),
    f"GET {_A}/rr-audits/{{audit_id}}/summary/{{fmt}}": Audit(),
    f"GET {_C}": Read(),
    f"GET {_C}/clocks": Read(),  # the Panel: the clocks of what is owed to it
    f"GET {_C}/notification": Read(exists=NOTIFIED),
    f"GET {_C}/notification/eligibility": Read(exists=NOTIFIED),
    f"PUT {_C}/notification": Write(Step.CHANGE_NOTIFICATION, method="put"),
    f"POST {_C}/screening": Write(Step.SCREEN),
    f"POST {_C}/notification/sent": Write(Step.SEND_NOTIFICATION),
    f"POST {_C}/notification/corrections": Write(Step.CORRECT_NOTIFICATION),
    f"GET {_C}/rapid-review": Read(panel=RAPID_REVIEW_SENT, exists=HAS_RAPID_REVIEW),
    f"PUT {_C}/rapid-review": Write(Step.WRITE_RAPID_REVIEW, method="put"),
    # Who was asked, and what they said: never the Panel's.
    f"GET {_C}/rapid-review/contributors": Read(panel=NEVER),
    f"GET {_C}/rapid-review/requests": Read(panel=NEVER),
    f"POST {_C}/rapid-review/requests": Write(Step.ASK_AGENCY),
    f"POST {_C}/rapid-review/requests/{{request_id}}/withdraw": Write(Step.ASK_AGENCY),
    f"POST {_C}/rapid-review/episodes": Write(Step.CHANGE_CHRONOLOGY),
    f"POST {_C}/rapid-review/immediate-actions": Write(Step.CHANGE_CHRONOLOGY),
    f"POST {_C}/rapid-review/submit": Write(Step.SUBMIT_FOR_DECISION),
    f"POST {_C}/rapid-review/sent": Write(Step.SEND_RAPID_REVIEW),
    f"GET {_C}/rapid-review/report/{{fmt}}": Read(panel=RAPID_REVIEW_SENT, exists=HAS_RAPID_REVIEW),
    # The decision, every round of it (a list): it is the rapid review's, and the Panel reads it once the
    # rapid review was sent to it.
    f"GET {_C}/decision": Read(panel=RAPID_REVIEW_SENT, exists=HAS_RAPID_REVIEW),
    f"POST {_C}/decision/votes": Write(Step.VOTE),
    f"POST {_C}/decision/advice": Write(Step.ADVISE),
    f"POST {_C}/decision/majority": Write(Step.DECIDE_BY_MAJORITY),
    f"POST {_C}/decision/family": Write(Step.TELL_FAMILY),
    f"POST {_C}/decision/justification": Write(Step.SEND_JUSTIFICATION),
    f"POST {_C}/family-letter/{{fmt}}": Write(Step.WRITE_FAMILY_LETTER),
    f"POST {_C}/panel-response": Write(Step.RESPOND_AS_PANEL),
    f"GET {_C}/attachments": Read(),
    f"POST {_C}/attachments": Write(Step.ATTACH_FILE),
    f"GET {_C}/attachments/{{attachment_id}}": Read(),
    f"GET {_C}/history": Read(panel=NEVER),  # the audit trail
}


def expected(row: Row, who: Who, own: bool, case: CaseFacts | None, *, api: bool) -> Outcome:
    if who == Who.ANONYMOUS:
        return UNAUTHENTICATED if api else TO_SIGN_IN
    if who == Who.PASSWORD_ONLY:
        return UNAUTHENTICATED if api else TO_SECOND_FACTOR
    return row.outcome(who, own, case)  # type: ignore[arg-type]
