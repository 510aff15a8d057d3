"""The case page's "Reviews like this one": published reviews like the rapid review, for the partnership only.

The list is computed from the case's own text (summary, notification, rapid review learning and family
context) inside the server, against published library reports only. The partnership's own people see it;
the Panel, which sees only what was sent to it, does not; another partnership cannot see the case at all.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from cspr.cases import services
from cspr.library.services import library_report_ingest
from cspr.library.taxonomy import theme_labels
from cspr.partnerships.roles import Role
from tests.cases.conftest import notified_case

pytestmark = pytest.mark.django_db

SLEEP_REVIEW = (
    "Child Q: a review after a sudden unexpected death in infancy\n\n"
    "Baby Q was found unresponsive on the sofa where he had fallen asleep with his father, who had been "
    "drinking. Safer sleep advice about co-sleeping and bed sharing had been given by the midwife but was "
    "not repeated by the health visitor, and nobody asked where the baby slept when the family moved."
)
EXPLOITATION_REVIEW = (
    "Child R: criminal exploitation\n\n"
    "Child R was exploited through county lines and carried drugs to a coastal town. The school had "
    "excluded him and the youth justice worker did not make a national referral mechanism referral."
)
# Written to match the case even more closely than SLEEP_REVIEW, so that if private material leaked into
# the list it would be the first thing on it.
PRIVATE_SLEEP_REVIEW = (
    "Baby P: an unpublished rapid review\n\n"
    "Baby P was found unresponsive after co-sleeping on the sofa with his father, who had been drinking. "
    "Safer sleep advice had been given by the midwife; the health visitor did not ask about sleeping "
    "arrangements. Sudden unexpected death in infancy."
)

CASE_LEARNING = (
    "Baby Example was found unresponsive after his father fell asleep with him on the sofa, having been "
    "drinking. The midwife had given safer sleep advice about co-sleeping; the health visitor did not "
    "repeat it."
)


@pytest.fixture
def library(make_partnership: Any) -> dict[str, Any]:
    """Two published reviews and one unpublished review belonging to another partnership."""
    other = make_partnership("Elsewhere")
    return {
        "sleep": library_report_ingest(actor=None, name="child-q.txt", data=SLEEP_REVIEW.encode()).report,
        "exploitation": library_report_ingest(actor=None, name="child-r.txt", data=EXPLOITATION_REVIEW.encode()).report,
        "private": library_report_ingest(
            actor=None,
            name="baby-p.txt",
            data=PRIVATE_SLEEP_REVIEW.encode(),
            partnership=other,
            is_public=False,
        ).report,
        "other": other,
    }


def case_with_rapid_review_text(chain: dict[str, Any]) -> Any:
    case = notified_case(chain)
    services.rapid_review_update(
        actor=chain["manager"],
        case=case,
        version=case.rapid_review.version,
        sections={"learning_so_far": CASE_LEARNING, "family_context": "The parents live together."},
    )
    case.refresh_from_db()
    return case


def similar_section(body: str) -> str:
    """The "Reviews like this one" part of the page, or "" when the page has none."""
    match = re.search(r"Reviews like this one</h2>(.*?)</ul>", body, re.S)
    return match.group(1) if match else ""


def test_the_business_manager_sees_published_reviews_like_the_rapid_review_with_shared_themes(
    chain, library, client_for
):
    case = case_with_rapid_review_text(chain)
    body = client_for(chain["manager"]).get(f"/cases/{case.pk}/").content.decode()
    section = similar_section(body)
    assert section, "the page has no Reviews like this one"
    titles = re.findall(r'<a class="govuk-link" href="/library/reports/(\d+)/">([^<]+)</a>', section)
    assert titles, section
    first_id, first_title = titles[0]
    assert int(first_id) == library["sleep"].pk
    assert "Child Q" in first_title
    # The shared theme is the safer-sleep one, named by its label as a person reads it, never its id.
    shared = re.search(r"Shared themes: ([^<]+)</span>", section)
    assert shared is not None, section
    theme = "sudi-safer-sleep"
    assert theme_labels()[theme] in shared.group(1) and theme not in shared.group(1)


def test_an_unpublished_report_of_another_partnership_is_never_listed(chain, library, client_for):
    case = case_with_rapid_review_text(chain)
    body = client_for(chain["manager"]).get(f"/cases/{case.pk}/").content.decode()
    section = similar_section(body)
    assert f"/library/reports/{library['sleep'].pk}/" in section  # the list is there ...
    assert f"/library/reports/{library['private'].pk}/" not in body  # ... without the private report
    assert "Baby P" not in body


def test_with_no_published_reviews_the_page_shows_no_list_and_still_renders(chain, client_for):
    """An empty library is the state of every new installation: nothing to list, and no empty heading."""
    case = case_with_rapid_review_text(chain)
    page = client_for(chain["manager"]).get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert similar_section(page.content.decode()) == ""


def test_a_panel_member_sees_the_case_sent_to_it_but_not_reviews_like_it(chain, library, client_for):
    case = case_with_rapid_review_text(chain)
    page = client_for(chain["panel"]).get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Reviews like this one" not in body
    assert f"/library/reports/{library['sleep'].pk}/" not in body


def test_another_partnership_gets_404_for_the_case_and_so_never_its_similar_reviews(
    chain, library, make_user, client_for
):
    case = case_with_rapid_review_text(chain)
    outsider = make_user(Role.BUSINESS_MANAGER, library["other"])
    page = client_for(outsider).get(f"/cases/{case.pk}/")
    assert page.status_code == 404
    assert "Reviews like this one" not in page.content.decode()
