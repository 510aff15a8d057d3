"""Every case form gives back what the user typed (DESIGN.md rule 5: nothing is lost).

The session middleware keeps a draft of any form posted after the session ended, and long forms autosave one;
sign-in then says "What you had typed was kept". These tests hold every case form to that promise: a draft
saved for a form's address is shown back in that form, field by field, and a form with long text autosaves.
The list of forms is checked against the URL configuration, so a new case form cannot be added unchecked.
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import URLPattern

from cspr.cases import services
from cspr.cases.models import RapidReview
from cspr.cases.services.rapid_review import record_version
from cspr.cases.urls import urlpatterns
from cspr.core.drafts import draft_get, draft_save
from cspr.partnerships.roles import Role
from tests.cases.conftest import notified_case, ready_case
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The fields a person can type into or choose in the page's forms, with the values shown."""

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}  # text inputs (date parts included) and their value
        self.hidden: dict[str, str] = {}  # hidden inputs, such as the version a stale edit is judged by
        self.long_text: dict[str, str] = {}  # textareas and their content
        self.choices: dict[str, list[tuple[str, bool]]] = {}  # radios and selects: (value, chosen)
        self.autosaving_forms = 0
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "form" and "data-autosave" in a:
            self.autosaving_forms += 1
        elif tag == "input" and name and a.get("type", "text") in {"text", "email", "tel", "number"}:
            self.text[name] = a.get("value", "")
        elif tag == "input" and name and a.get("type") == "hidden":
            self.hidden[name] = a.get("value", "")
        elif tag == "input" and name and a.get("type") == "radio":
            self.choices.setdefault(name, []).append((a.get("value", ""), "checked" in a))
        elif tag == "textarea" and name:
            self._textarea = name
            self.long_text[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.choices[name] = []
        elif tag == "option" and self._select and a.get("value"):
            self.choices[self._select].append((a["value"], "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.long_text[self._textarea] += data


def fields_of(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    return parser


def as_shown(html: str) -> dict[str, str]:
    """What submitting the page's form as it is shown would post: hidden, typed and chosen values."""
    shown = fields_of(html)
    chosen = {name: value for name, options in shown.choices.items() for value, on in options if on}
    return {**shown.hidden, **shown.text, **shown.long_text, **chosen}


@pytest.fixture
def pages(chain: dict[str, Any]) -> dict[str, tuple[Any, str]]:
    """For each case form: who fills it in and its address, on cases at the step where the form is used."""
    manager, p = chain["manager"], chain["partnership"]
    referred = services.referral_submit(actor=chain["health"], partnership=p, what_happened="x", who_was_harmed="y")
    notifying = services.case_open(actor=manager, partnership=p, summary="Being notified")
    in_review = notified_case(chain)
    item = services.agency_request_create(
        actor=manager,
        case=in_review,
        organisation=chain["orgs"]["nhs_trust"],
        contributor=chain["health"],
        shared_facts="Facts",
    )
    episode = services.episode_add(
        actor=manager, case=in_review, date=datetime.date.today(), agency="Health", what_happened="Seen"
    )
    action = services.immediate_action_add(actor=manager, case=in_review, action="Safety plan", by_whom="CSC")
    # Each decision form on a case at the step where it is used (the policy sends anyone else back).
    voting = ready_case(chain)
    split = ready_case(chain)  # the partners disagree: the scrutineer advises
    for who, option in (("la", "local_review"), ("police", "no_review"), ("icb", "no_review")):
        services.decision_record_vote(actor=chain[who], case=split, option=option, rationale="Split")
    revoting = ready_case(chain)  # advised: the majority may decide
    for who, option in (("la", "local_review"), ("police", "no_review"), ("icb", "no_review")):
        services.decision_record_vote(actor=chain[who], case=revoting, option=option, rationale="Split")
    services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=revoting, advice="Weigh it")
    decided = ready_case(chain)  # decided, not yet sent
    reviewing = ready_case(chain)  # decided and sent to the Panel
    for case in (decided, reviewing):
        for who in ("la", "police", "icb"):
            services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="Agreed")
    services.rapid_review_record_sent(actor=manager, case=reviewing, sent_on=datetime.date.today())
    challenged = ready_case(chain)  # challenged by the Panel and decided again
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=challenged, option="local_review", rationale="Agreed")
    services.rapid_review_record_sent(actor=manager, case=challenged, sent_on=datetime.date.today())
    services.panel_response_record(
        actor=chain["panel"],
        case=challenged,
        response="challenge",
        national_review="no",
        responded_on=datetime.date.today(),
        reasons="Consider a learning review",
    )
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=challenged, option="local_review", rationale="Still")
    audit = services.rr_audit_create(
        actor=manager,
        partnership=p,
        period_start=datetime.date.today() - datetime.timedelta(days=30),
        period_end=datetime.date.today(),
        sample_size=5,
    )
    audit_item = audit.items.first()
    r, n, c = reviewing.pk, notifying.pk, in_review.pk
    return {
        "referral_new": (manager, "/cases/referrals/new/"),
        "notification_new": (manager, "/cases/notifications/new/"),
        "screen": (manager, f"/cases/{referred.pk}/screen/"),
        "notification": (manager, f"/cases/{n}/notification/"),
        "notification_sent": (manager, f"/cases/{n}/notification/sent/"),
        "notification_correct": (manager, f"/cases/{c}/notification/correct/"),
        "rapid_review": (manager, f"/cases/{c}/rapid-review/"),
        "request_new": (manager, f"/cases/{c}/rapid-review/requests/new/"),
        "episode_new": (manager, f"/cases/{c}/rapid-review/episodes/new/"),
        "episode_edit": (manager, f"/cases/{c}/rapid-review/episodes/{episode.pk}/"),
        "action_new": (manager, f"/cases/{c}/rapid-review/actions/new/"),
        "action_edit": (manager, f"/cases/{c}/rapid-review/actions/{action.pk}/"),
        "rapid_review_sent": (manager, f"/cases/{decided.pk}/rapid-review/sent/"),
        "vote": (chain["la"], f"/cases/{voting.pk}/decision/vote/"),
        "advice": (chain["scrutineer"], f"/cases/{split.pk}/decision/advice/"),
        "majority": (manager, f"/cases/{revoting.pk}/decision/majority/"),
        "family": (manager, f"/cases/{r}/decision/family/"),
        "justification": (manager, f"/cases/{challenged.pk}/decision/justification/"),
        "family_letter": (manager, f"/cases/{r}/family-letter/"),
        "panel_response": (chain["panel"], f"/cases/{r}/panel-response/"),
        "attachment_new": (manager, f"/cases/{n}/attachments/new/"),
        "request_answer": (chain["health"], f"/requests/{item.pk}/"),
        "rr_audits": (manager, "/rapid-review-audits/"),
        "rr_audit": (manager, f"/rapid-review-audits/{audit.pk}/"),
        "rr_audit_item": (manager, f"/rapid-review-audits/{audit.pk}/items/{audit_item.pk}/"),
    }


# Case pages with no form to type into: a list, a read-only page, a download, or a single button.
NOT_FORMS = {
    "list",
    "detail",
    "audit",
    "calendar",
    "rapid_review_submit",
    "episode_remove",
    "action_remove",
    "document",
    "attachment",
    "panel_inbox",  # a GET filter, nothing worth keeping
    "rr_audit_summary",
}
FORMS = sorted(
    {
        "referral_new",
        "notification_new",
        "screen",
        "notification",
        "notification_sent",
        "notification_correct",
        "rapid_review",
        "request_new",
        "episode_new",
        "episode_edit",
        "action_new",
        "action_edit",
        "rapid_review_sent",
        "vote",
        "advice",
        "majority",
        "family",
        "justification",
        "family_letter",
        "panel_response",
        "attachment_new",
        "request_answer",
        "rr_audits",
        "rr_audit",
        "rr_audit_item",
    }
)


def test_every_case_page_is_either_a_form_checked_below_or_has_no_form() -> None:
    names = {p.name for p in urlpatterns if isinstance(p, URLPattern)}
    unlisted = names - set(FORMS) - NOT_FORMS
    assert not unlisted, f"Case pages not in FORMS (draft restore) or NOT_FORMS: {sorted(unlisted)}"
    assert not (set(FORMS) | NOT_FORMS) - names, "listed pages that no longer exist"


@pytest.mark.parametrize("name", FORMS)
def test_a_draft_saved_for_the_form_is_shown_back_in_it(name: str, pages: dict[str, tuple[Any, str]]) -> None:
    user, url = pages[name]
    client = verified_client(user)
    blank = client.get(url)
    assert blank.status_code == 200, f"{url} answered {blank.status_code}"
    empty = fields_of(blank.content.decode())
    assert empty.text or empty.long_text or empty.choices, f"{url} shows no form"
    typed: dict[str, list[str]] = {}
    for i, field in enumerate(empty.long_text):
        typed[field] = [f"Kept long text {i} for {name}"]
    for i, field in enumerate(empty.text):
        typed[field] = [str(7100 + i)]
    for field, options in empty.choices.items():
        typed[field] = [options[-1][0]]  # the last choice: never the one a page preselects
    draft_save(user=user, key=url, data=typed)

    page = client.get(url).content.decode()
    shown = fields_of(page)
    for field, (value,) in typed.items():
        if field in shown.long_text:
            assert shown.long_text[field].strip() == value, f"{name}: {field} not restored"
        elif field in shown.text:
            assert shown.text[field] == value, f"{name}: {field} not restored"
        else:
            assert (value, True) in shown.choices[field], f"{name}: {field} not restored"
    assert "We kept what you had typed" in page
    if empty.long_text:
        assert shown.autosaving_forms >= 1, f"{name} has long text but does not autosave"


def test_the_restored_draft_is_discarded_once_the_form_is_saved(chain: dict[str, Any]) -> None:
    case = ready_case(chain)
    url = f"/cases/{case.pk}/decision/vote/"
    draft_save(user=chain["la"], key=url, data={"rationale": ["Half-written reasons"]})
    client = verified_client(chain["la"])
    response = client.post(url, {"option": "local_review", "rationale": "Finished reasons"})
    assert response.status_code == 302
    assert draft_get(user=chain["la"], key=url) is None


def test_a_draft_restores_the_version_it_was_typed_against_and_warns_that_it_is_stale(chain: dict[str, Any]) -> None:
    """Restored with the record's current version, an old draft would overwrite the newer save unseen."""
    case = notified_case(chain)
    episode = services.episode_add(
        actor=chain["manager"], case=case, date=datetime.date.today(), agency="Health", what_happened="Seen"
    )
    url = f"/cases/{case.pk}/rapid-review/episodes/{episode.pk}/"
    draft_save(user=chain["manager"], key=url, data={"version": ["0"], "agency": ["Kept agency"]})
    page = verified_client(chain["manager"]).get(url).content.decode()
    assert fields_of(page).text["agency"] == "Kept agency"
    assert fields_of(page).hidden["version"] == "0" != record_version(episode)
    assert "someone else saved this page after you typed it" in page


def test_a_draft_typed_on_the_current_version_is_restored_without_a_stale_warning(chain: dict[str, Any]) -> None:
    case = notified_case(chain)
    url = f"/cases/{case.pk}/rapid-review/"
    version = str(case.rapid_review.version)
    draft_save(user=chain["manager"], key=url, data={"version": [version], "good_practice": ["Kept practice"]})
    page = verified_client(chain["manager"]).get(url).content.decode()
    assert fields_of(page).hidden["version"] == version
    assert fields_of(page).long_text["good_practice"].strip() == "Kept practice"
    assert "We kept what you had typed." in page and "someone else saved" not in page


def test_an_autosaved_draft_keeps_the_version_the_page_was_read_at(chain: dict[str, Any]) -> None:
    case = notified_case(chain)
    url = f"/cases/{case.pk}/rapid-review/"
    client = verified_client(chain["manager"])
    shown = as_shown(client.get(url).content.decode())
    client.post(f"/drafts/autosave/?key={url}", {**shown, "good_practice": "Half typed"})
    kept = draft_get(user=chain["manager"], key=url)
    assert kept is not None and kept["version"] == [str(case.rapid_review.version)]


@pytest.fixture
def two_managers(chain: dict[str, Any], make_user: Any) -> tuple[Any, Any]:
    other = make_user(Role.BUSINESS_MANAGER, chain["partnership"], chain["orgs"]["local_authority"])
    return chain["manager"], other


def _overtaken_draft(chain: dict[str, Any], a: Any, b: Any) -> tuple[str, str]:
    """Manager A types into the rapid review (autosaved, version N); manager B then saves it (N+1); A's session
    ends. Returns the page's address and A's page as shown once A has signed in again."""
    case = notified_case(chain)
    url = f"/cases/{case.pk}/rapid-review/"
    a_before = verified_client(a)
    opened = as_shown(a_before.get(url).content.decode())
    a_before.post(f"/drafts/autosave/?key={url}", {**opened, "learning_so_far": "Learning typed by A"})
    b_client = verified_client(b)
    b_saves = b_client.post(url, {**as_shown(b_client.get(url).content.decode()), "learning_so_far": "Saved by B"})
    assert b_saves.status_code == 302
    return url, verified_client(a).get(url).content.decode()


def test_a_draft_overtaken_by_someone_elses_save_is_refused_as_stale_with_the_text_kept(
    chain: dict[str, Any], two_managers: tuple[Any, Any]
) -> None:
    a, b = two_managers
    url, page = _overtaken_draft(chain, a, b)
    assert fields_of(page).long_text["learning_so_far"].strip() == "Learning typed by A"
    assert "someone else saved this page after you typed it" in page

    refused = verified_client(a).post(url, as_shown(page))
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else saved the rapid review after you opened it" in body
    assert fields_of(body).long_text["learning_so_far"].strip() == "Learning typed by A"
    rr = RapidReview.objects.get(case__pk=int(url.split("/")[2]))
    assert rr.learning_so_far == "Saved by B"
    kept = draft_get(user=a, key=url)
    assert kept is not None and kept["learning_so_far"] == ["Learning typed by A"]


def test_after_a_stale_refusal_saving_again_replaces_the_other_save_on_purpose(
    chain: dict[str, Any], two_managers: tuple[Any, Any]
) -> None:
    """The refusal page carries the version A has now been told about, so the next save is not refused again."""
    a, b = two_managers
    url, page = _overtaken_draft(chain, a, b)
    client = verified_client(a)
    refused = client.post(url, as_shown(page)).content.decode()
    assert "If you save again, what is shown here replaces their changes." in refused
    again = client.post(url, as_shown(refused))
    assert again.status_code == 302
    assert RapidReview.objects.get(case__pk=int(url.split("/")[2])).learning_so_far == "Learning typed by A"
    assert draft_get(user=a, key=url) is None


def test_a_vote_posted_after_the_session_ended_comes_back_after_signing_in(chain: dict[str, Any]) -> None:
    """The whole promise sign-in makes ("What you had typed was kept"), on a form that once forgot it."""
    import time_machine
    from django.utils import timezone

    case = ready_case(chain)
    url = f"/cases/{case.pk}/decision/vote/"
    client = verified_client(chain["la"])
    client.get(url)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=45), tick=False):
        response = client.post(url, {"option": "learning_review", "rationale": "Typed before the timeout"})
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
        page = verified_client(chain["la"]).get(url).content.decode()
    shown = fields_of(page)
    assert shown.long_text["rationale"].strip() == "Typed before the timeout"
    assert ("learning_review", True) in shown.choices["option"]
