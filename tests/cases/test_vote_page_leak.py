"""The Panel reads only what was sent to it, on pages as in the API (issue "One shape": the vote page showed a
round still being decided; the notification's "sent" page answered the Panel with a form)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from cspr.cases import services
from tests.cases.conftest import ready_case
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

SECRET_RATIONALE = "SECRET-ROUND-RATIONALE"
SECRET_ADVICE = "SECRET-SCRUTINEER-ADVICE"


def _split(chain: dict[str, Any], case: Any) -> None:
    for who, option in (("la", "local_review"), ("police", "no_review"), ("icb", "no_review")):
        services.decision_record_vote(actor=chain[who], case=case, option=option, rationale=SECRET_RATIONALE)


def test_the_panel_gets_404_from_the_vote_page_of_a_case_still_being_decided(chain: dict[str, Any]) -> None:
    case = ready_case(chain)  # notified, so the Panel sees the case; the partners are deciding
    services.decision_record_vote(actor=chain["la"], case=case, option="local_review", rationale=SECRET_RATIONALE)
    panel = verified_client(chain["panel"])
    assert panel.get(f"/cases/{case.pk}/").status_code == 200  # the case itself is the Panel's to read
    for path in ("decision/vote/", "notification/sent/", "decision/advice/", "decision/majority/"):
        page = panel.get(f"/cases/{case.pk}/{path}")
        assert page.status_code == 404, path
        body = page.content.decode()
        assert SECRET_RATIONALE not in body and "Votes so far" not in body, path
    assert panel.post(f"/cases/{case.pk}/decision/vote/", {"option": "no_review", "rationale": "x"}).status_code == 404
    # The API agrees: the decision in progress is not there for the Panel.
    assert SECRET_RATIONALE not in panel.get(f"/api/v1/cases/{case.pk}/decision").content.decode()
    # A decision maker does see the page, so the refusal above is the policy, not a broken page.
    la = verified_client(chain["police"])
    page = la.get(f"/cases/{case.pk}/decision/vote/")
    assert page.status_code == 200 and "Votes so far" in page.content.decode()


def test_after_a_challenge_the_panel_gets_404_from_the_second_rounds_pages(chain: dict[str, Any]) -> None:
    case = ready_case(chain)
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="Agreed")
    services.rapid_review_record_sent(actor=chain["manager"], case=case, sent_on=timezone.localdate())
    services.panel_response_record(
        actor=chain["panel"],
        case=case,
        response="challenge",
        national_review="no",
        responded_on=timezone.localdate(),
        reasons="Consider a learning review",
    )
    services.decision_record_scrutineer_advice(actor=chain["scrutineer"], case=case, advice=SECRET_ADVICE)
    _split(chain, case)
    panel = verified_client(chain["panel"])
    for path in ("", "decision/vote/", "decision/advice/", "decision/justification/"):
        page = panel.get(f"/cases/{case.pk}/{path}")
        body = page.content.decode()
        assert SECRET_RATIONALE not in body and SECRET_ADVICE not in body, path
        if path:
            assert page.status_code == 404, path


def test_a_step_the_role_takes_but_not_at_this_stage_goes_back_to_the_case_saying_why(chain: dict[str, Any]) -> None:
    case = ready_case(chain)
    for who in ("la", "police", "icb"):
        services.decision_record_vote(actor=chain[who], case=case, option="local_review", rationale="Agreed")
    page = verified_client(chain["la"]).get(f"/cases/{case.pk}/decision/vote/", follow=True)
    assert page.redirect_chain == [(f"/cases/{case.pk}/", 302)]
    assert "Votes are recorded only while the partners are voting." in page.content.decode()
