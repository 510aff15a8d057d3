"""The library's pages: public search with facets and highlights, report page, curation, statistics."""

from __future__ import annotations

import pytest
from django.test import Client

from cspr.library.models import ReportTheme
from cspr.partnerships.roles import Role
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_anyone_can_search_without_signing_in_and_see_highlighted_snippets(small_library):
    response = Client().get("/library/", {"q": "sofa"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Child Q: safer sleep review" in body
    assert "<mark>sofa</mark>" in body
    assert "Page 1" in body
    assert "Child R: exploitation review" not in body


def test_facet_checkboxes_filter_the_results(small_library):
    body = Client().get("/library/", {"q": "health visitor", "year": "2022"}).content.decode()
    assert "Child Q: safer sleep review" in body
    assert "Children S and T</a>" not in body
    assert "2022 (1)" in body


def test_the_report_page_shows_metadata_matches_and_similar_reviews(small_library):
    report = small_library["sleep"]
    response = Client().get(f"/library/reports/{report.pk}/", {"q": "safer sleep"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Reviews like this one" in body
    assert "<mark>" in body
    assert "Under 1" in body


def test_an_unknown_report_is_404(small_library):
    assert Client().get("/library/reports/999999/").status_code == 404


def test_a_private_report_is_hidden_from_the_public_and_other_partnerships(ingest_text, make_partnership, make_user):
    from cspr.library.services import library_report_ingest

    own = make_partnership("Northshire")
    other = make_partnership("Southshire")
    report = library_report_ingest(
        actor=None, name="draft.txt", data=b"Unpublished draft about neglect.", partnership=own, is_public=False
    ).report
    assert Client().get(f"/library/reports/{report.pk}/").status_code == 404
    assert "Unpublished draft" not in Client().get("/library/", {"q": "neglect"}).content.decode()
    outsider = verified_client(make_user(Role.BUSINESS_MANAGER, other))
    assert outsider.get(f"/library/reports/{report.pk}/").status_code == 404
    member = verified_client(make_user(Role.BUSINESS_MANAGER, own))
    assert member.get(f"/library/reports/{report.pk}/").status_code == 200


def test_a_curator_confirms_a_suggested_theme_and_it_becomes_a_facet(small_library, make_user):
    report = small_library["sleep"]
    curator = verified_client(make_user(Role.PANEL_MEMBER))
    page = curator.get(f"/library/reports/{report.pk}/themes/")
    assert page.status_code == 200
    assert "Sudden unexpected death in infancy" in page.content.decode()
    response = curator.post(
        f"/library/reports/{report.pk}/themes/decide/", {"theme": "sudi-safer-sleep", "decision": "confirm"}
    )
    assert response.status_code == 302
    assert ReportTheme.objects.get(report=report, theme="sudi-safer-sleep").status == "confirmed"
    assert "Sudden unexpected death in infancy and unsafe sleep (1)" in Client().get("/library/").content.decode()


def test_a_curator_rejects_a_theme_and_it_leaves_the_confirmed_themes_facet(small_library, make_user):
    report = small_library["sleep"]
    label = "Sudden unexpected death in infancy and unsafe sleep"
    curator = verified_client(make_user(Role.PANEL_MEMBER))
    decide = f"/library/reports/{report.pk}/themes/decide/"
    curator.post(decide, {"theme": "sudi-safer-sleep", "decision": "confirm"})
    assert f"{label} (1)" in Client().get("/library/").content.decode()

    response = curator.post(decide, {"theme": "sudi-safer-sleep", "decision": "reject"})

    assert response.status_code == 302
    assert ReportTheme.objects.get(report=report, theme="sudi-safer-sleep").status == "rejected"
    search = Client().get("/library/").content.decode()
    assert f"{label} (" not in search
    filtered = Client().get("/library/", {"theme": "sudi-safer-sleep"}).content.decode()
    assert "Child Q: safer sleep review" not in filtered
    assert label not in Client().get(f"/library/reports/{report.pk}/").content.decode()
    # Still on the theme review page, marked rejected, so the detector's miss is on record.
    review = curator.get(f"/library/reports/{report.pk}/themes/").content.decode()
    assert label in review and "Rejected" in review


def test_someone_who_may_not_curate_gets_404(small_library, make_partnership, make_user):
    report = small_library["sleep"]
    reader = verified_client(make_user(Role.REVIEWER, make_partnership()))
    assert reader.get(f"/library/reports/{report.pk}/themes/").status_code == 404
    response = reader.post(
        f"/library/reports/{report.pk}/themes/decide/", {"theme": "sudi-safer-sleep", "decision": "confirm"}
    )
    assert response.status_code == 404
    assert ReportTheme.objects.get(report=report, theme="sudi-safer-sleep").status == "suggested"


def test_recurrent_themes_show_a_chart_and_tables_with_small_counts_suppressed(small_library, make_user):
    from cspr.library.services import library_theme_confirm

    curator = make_user(Role.PANEL_MEMBER)
    library_theme_confirm(actor=curator, report_id=small_library["sleep"].pk, theme="sudi-safer-sleep")
    library_theme_confirm(actor=curator, report_id=small_library["sleep"].pk, theme="parental-substance-misuse")
    body = Client().get("/library/themes/").content.decode()
    assert 'class="cspr-chart" id="themes-chart" role="img" aria-labelledby="themes-chart-title"' in body
    assert "fewer than 5" in body
    assert "cspr-chart-bar" not in body, "a suppressed count gets no bar to be measured"
    assert "Themes that occur together" in body


def test_a_partnership_comparison_withholds_the_share_of_a_suppressed_count(small_library, make_partnership, make_user):
    from cspr.library.services import library_report_ingest, library_theme_confirm

    partnership = make_partnership("Northshire")
    own = library_report_ingest(
        actor=None, name="own.txt", data=b"Own review\n\nNeglect at home.", partnership=partnership
    ).report
    curator = make_user(Role.PANEL_MEMBER)
    library_theme_confirm(actor=curator, report_id=own.pk, theme="neglect")
    library_theme_confirm(actor=curator, report_id=small_library["neglect"].pk, theme="neglect")
    body = Client().get("/library/themes/", {"partnership": partnership.slug}).content.decode()
    comparison = body.split("Northshire (1 report) and the national picture", 1)[1].split("</table>", 1)[0]
    # One of its one report, two of four: both shares would give the suppressed counts back.
    assert comparison.count("not shown") == 2
    assert "%" not in comparison


def test_a_query_with_nothing_to_look_for_shows_an_error_instead_of_every_report(small_library):
    response = Client().get("/library/", {"q": "-court"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in body
    assert 'class="govuk-error-summary' in body and 'href="#q"' in body
    assert 'aria-describedby="q-error"' in body
    assert "Child Q: safer sleep review" not in body


def test_the_public_api_searches_without_a_token(small_library):
    response = Client().get("/api/v1/library/search", {"q": "county lines"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1
    assert data["results"][0]["title"] == "Child R: exploitation review"
    assert "**county**" in data["results"][0]["snippet"].lower()
    record = Client().get(f"/api/v1/library/reports/{data['results'][0]['id']}").json()
    assert record["nation"] == "wales"


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.SYSTEM_ADMIN])
def test_national_curators_neither_see_nor_curate_a_partnerships_private_report(role, make_partnership, make_user):
    """Curation reaches no further than reading: the Panel and administrators curate public reports, never a
    partnership's unpublished material (its title stays out of the queue; its pages and decisions are 404)."""
    from cspr.core.errors import NotFound
    from cspr.library.services import library_report_ingest, library_theme_confirm

    own = make_partnership("Northshire")
    private = library_report_ingest(
        actor=None,
        name="private.txt",
        data=b"Unpublished draft: Child Z and chronic neglect at home, the health visitor saw hungry children.",
        partnership=own,
        is_public=False,
    ).report
    ReportTheme.objects.get_or_create(report=private, theme="neglect")
    user = make_user(role)
    curator = verified_client(user)

    assert "Unpublished draft" not in curator.get("/library/themes/review/").content.decode()
    assert private.title not in curator.get("/library/themes/review/").content.decode()
    assert curator.get(f"/library/reports/{private.pk}/themes/").status_code == 404
    decide = curator.post(f"/library/reports/{private.pk}/themes/decide/", {"theme": "neglect", "decision": "confirm"})
    assert decide.status_code == 404
    with pytest.raises(NotFound):
        library_theme_confirm(actor=user, report_id=private.pk, theme="neglect")
    assert not ReportTheme.objects.filter(report=private, status="confirmed").exists()
    # The partnership's own business manager still curates it.
    manager = verified_client(make_user(Role.BUSINESS_MANAGER, own))
    assert manager.get(f"/library/reports/{private.pk}/themes/").status_code == 200
