"""A missing page, a refused request, a bad request and a failed CSRF check each show a page of the service in
GOV.UK style, with DEBUG on (as `make run` has it) as well as off; and the header fits where cspr runs: the
GOV.UK crown and name only with CSPR_HEADER=govuk, a plain header with the operator's name otherwise (issue 12,
items 3 and 4)."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path

from cspr.partnerships.roles import Role
from cspr.urls import urlpatterns as service_urls
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

CROWN = "govuk-logo"  # the crown's SVG class in GOV.UK Frontend's header


def refused(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("a tampered request")


# The service's own URLs and handlers, plus two views that refuse, for the handlers to be reached.
urlpatterns = [*service_urls, path("test-refused/", refused), path("test-suspicious/", suspicious)]
handler400 = "cspr.web.views.bad_request"
handler403 = "cspr.web.views.forbidden"
handler404 = "cspr.web.views.not_found"
handler500 = "cspr.web.views.server_error"


def _text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def routes(settings):
    settings.ROOT_URLCONF = __name__


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on-as-make-run"])
def test_a_missing_page_is_the_services_page_not_djangos(routes, settings, debug, make_user, make_partnership):
    settings.DEBUG = debug
    for client in (Client(), verified_client(make_user(Role.BUSINESS_MANAGER, make_partnership()))):
        response = client.get("/no-such-page/")
        body = _text(response)
        assert response.status_code == 404
        assert '<h1 class="govuk-heading-l">Page not found</h1>' in body
        assert "govuk-template" in body and 'id="service-header"' in body
        assert "NONE,NOARCHIVE" not in body and "Using the URLconf" not in body  # not Django's technical page


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on-as-make-run"])
def test_a_case_you_may_not_see_is_the_services_404_with_debug_on_too(settings, debug, make_user, make_partnership):
    settings.DEBUG = debug
    response = verified_client(make_user(Role.BUSINESS_MANAGER, make_partnership())).get("/cases/999999/")
    assert response.status_code == 404 and "Page not found" in _text(response)
    assert "NONE,NOARCHIVE" not in _text(response)


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on-as-make-run"])
def test_a_refused_and_a_bad_request_show_the_services_pages(routes, settings, debug):
    settings.DEBUG = debug
    refused_page = Client().get("/test-refused/")
    assert refused_page.status_code == 403 and "You cannot do this" in _text(refused_page)
    bad = Client().get("/test-suspicious/")
    assert bad.status_code == 400 and "Sorry, there is a problem with what was sent" in _text(bad)
    assert "NONE,NOARCHIVE" not in _text(bad)


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on-as-make-run"])
def test_a_form_sent_without_its_security_token_gets_the_services_page(settings, debug, make_user, make_partnership):
    settings.DEBUG = debug
    client = verified_client(make_user(Role.BUSINESS_MANAGER, make_partnership()))
    client.handler.enforce_csrf_checks = True
    response = client.post("/cases/referrals/new/", {"what_happened": "x"})
    body = _text(response)
    assert response.status_code == 403
    assert "Sorry, what you sent could not be checked" in body and "Nothing was saved" in body
    assert "CSRF verification failed" not in body and 'id="service-header"' in body


def test_the_api_keeps_its_json_errors_with_debug_on(settings):
    settings.DEBUG = True
    response = Client().get("/api/v1/no-such-operation")
    assert response.status_code in {401, 404}
    assert response["Content-Type"].startswith("application/json")


def test_the_plain_header_is_the_default_and_names_the_operator(settings):
    settings.CSPR_HEADER = "service"
    settings.CSPR_OPERATOR_NAME = "Northshire and Riverside Safeguarding Children Partnership"
    body = _text(Client().get("/accessibility/"))
    assert 'id="service-header"' in body
    assert "Northshire and Riverside Safeguarding Children Partnership" in body
    assert CROWN not in body and "\N{EN DASH} GOV.UK</title>" not in body
    assert "govuk-icon-180.png" not in body  # the crown's icons go with it
    assert "cspr-plain-brand" in body


def test_the_govuk_header_only_when_the_setting_says_the_service_runs_on_govuk(settings):
    settings.CSPR_HEADER = "govuk"
    body = _text(Client().get("/accessibility/"))
    assert CROWN in body and "\N{EN DASH} GOV.UK</title>" in body
    assert 'id="service-header"' not in body and "cspr-plain-brand" not in body


SHOW_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; print(settings.CSPR_HEADER, settings.DEBUG)"
)


def test_the_demo_settings_choose_the_plain_header():
    """`make run` sets neither CSPR_HEADER nor CSPR_ENV: the settings' own default is the plain header."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        env={
            k: v
            for k, v in __import__("os").environ.items()
            if k not in {"CSPR_HEADER", "CSPR_ENV", "DEBUG", "PYTEST_CURRENT_TEST"}
        }
        | {"DJANGO_SETTINGS_MODULE": "cspr.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["service", "True"]
