"""Issue "Prove it holds", defect 8: the notification could be changed after it was sent, and the Panel read
the changed text. Now a plain edit after sending is refused (409), and a correction is a new, dated version,
kept with who, when and why, that the Panel is shown as "corrected on <date>" with the original readable."""

from __future__ import annotations

from typing import Any

import pytest

from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.models import NotificationVersion
from cspr.core.errors import IllegalTransition, ValidationFailed
from cspr.partnerships.services import api_token_create
from tests.cases.conftest import notified_case
from tests.conftest import verified_client

ORIGINAL = "Fractured skull"
CORRECTED = "Fractured skull and ribs"


def _api(user: Any) -> Any:
    from django.test import Client

    return Client(headers={"authorization": f"Bearer {api_token_create(actor=user, name='t')[1]}"})


def _fields(case: Any, description: str) -> dict[str, Any]:
    n = case.notification
    return {
        "nature": n.nature,
        "abuse_or_neglect": n.abuse_or_neglect,
        "in_area": n.in_area,
        "incident_date": n.incident_date,
        "la_became_aware": n.la_became_aware,
        "description": description,
        "la_where_happened": n.la_where_happened,
    }


def _children(case: Any) -> list[dict[str, Any]]:
    return [{"name": c.name, "date_of_birth": c.date_of_birth, "sex": c.sex} for c in case.children.all()]


@pytest.mark.django_db
def test_defect_8_a_plain_edit_after_sending_is_refused_on_the_api_and_in_the_service(chain):
    case = notified_case(chain)
    assert NotificationVersion.objects.filter(notification__case=case).count() == 1  # as sent
    with pytest.raises(IllegalTransition, match="record a correction"):
        services.notification_update(
            actor=chain["manager"],
            case=case,
            version=case.version,
            fields=_fields(case, "Changed in place"),
            children=_children(case),
        )
    response = _api(chain["manager"]).put(
        f"/api/v1/cases/{case.pk}/notification",
        {"version": case.version, "description": "Changed in place"},
        content_type="application/json",
    )
    assert response.status_code == 409 and "record a correction" in response.json()["detail"]
    case.notification.refresh_from_db()
    assert case.notification.description == ORIGINAL
    # The page is not offered either: it goes back to the case, which says why.
    page = verified_client(chain["manager"]).get(f"/cases/{case.pk}/notification/")
    assert page.status_code == 302


@pytest.mark.django_db
def test_defect_8_a_correction_is_a_dated_version_the_panel_is_told_about(chain):
    case = notified_case(chain)
    with pytest.raises(ValidationFailed):  # a correction needs a reason
        services.notification_correct(
            actor=chain["manager"],
            case=case,
            version=case.version,
            fields=_fields(case, CORRECTED),
            children=_children(case),
            reason="",
        )
    response = _api(chain["manager"]).post(
        f"/api/v1/cases/{case.pk}/notification/corrections",
        {
            "version": case.version,
            "reason": "The ribs were found on the second scan",
            **{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in _fields(case, CORRECTED).items()},
            "children": [
                {"name": c["name"], "date_of_birth": c["date_of_birth"].isoformat(), "sex": c["sex"]}
                for c in _children(case)
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["description"] == CORRECTED and body["corrected_on"] is not None
    assert [v["number"] for v in body["versions"]] == [1, 2]
    assert body["versions"][0]["description"] == ORIGINAL and body["versions"][1]["reason"]
    event = AuditEvent.objects.get(action="notification.corrected", object_id=str(case.pk))
    assert event.actor_id == chain["manager"].pk and "description" in str(event.changes)
    assert CORRECTED not in str(event.changes)  # the audit names what changed, never the text
    version = NotificationVersion.objects.get(notification__case=case, number=2)
    assert version.recorded_by == chain["manager"] and version.reason == "The ribs were found on the second scan"

    # The Panel reads the correction, is told it was corrected and when, and can still read the original.
    panel_page = verified_client(chain["panel"]).get(f"/cases/{case.pk}/").content.decode()
    assert "Corrected on" in panel_page and "The ribs were found on the second scan" in panel_page
    assert CORRECTED in panel_page and "The notification as first sent" in panel_page
    assert f'<dd class="govuk-summary-list__value">{ORIGINAL}</dd>' in panel_page
    assert "Baby Example" not in panel_page  # the original's children by pseudonym only
    panel_api = _api(chain["panel"]).get(f"/api/v1/cases/{case.pk}/notification").json()
    assert panel_api["versions"][0]["description"] == ORIGINAL
    assert panel_api["versions"][1]["recorded_by"] is None and panel_api["versions"][0]["children"][0]["name"] is None


@pytest.mark.django_db
def test_defect_8_the_correction_page(chain):
    case = notified_case(chain)
    client = verified_client(chain["manager"])
    assert client.get(f"/cases/{case.pk}/notification/correct/").status_code == 200
    assert "Correct the notification" in client.get(f"/cases/{case.pk}/").content.decode()
    n = case.notification
    child = case.children.get()
    data = {
        "version": case.version,
        "reason": "Wrong description",
        "nature": n.nature,
        "abuse_or_neglect": n.abuse_or_neglect,
        "in_area": "yes",
        "incident_date-day": n.incident_date.day,
        "incident_date-month": n.incident_date.month,
        "incident_date-year": n.incident_date.year,
        "la_became_aware-day": n.la_became_aware.day,
        "la_became_aware-month": n.la_became_aware.month,
        "la_became_aware-year": n.la_became_aware.year,
        "description": CORRECTED,
        "la_where_happened": n.la_where_happened,
        "child-1-name": child.name,
        "child-1-date_of_birth-day": child.date_of_birth.day,
        "child-1-date_of_birth-month": child.date_of_birth.month,
        "child-1-date_of_birth-year": child.date_of_birth.year,
        "child-1-sex": child.sex,
        "child-1-legal_status": child.legal_status,
    }
    response = client.post(f"/cases/{case.pk}/notification/correct/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert NotificationVersion.objects.filter(notification__case=case).count() == 2
    # Only the business manager corrects; the Panel does not even see the page.
    assert verified_client(chain["panel"]).get(f"/cases/{case.pk}/notification/correct/").status_code == 404
