"""The API: personal tokens carry their owner's memberships; the OpenAPI document describes it."""

from __future__ import annotations

import pytest
from django.test import Client

from cspr.cases.services import case_open
from cspr.partnerships.services import api_token_create, api_token_revoke


@pytest.mark.django_db
def test_openapi_document_is_served_without_a_token():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/me" in doc["paths"] and "/api/v1/cases/" in doc["paths"]


@pytest.mark.django_db
def test_token_sees_what_its_owner_sees_and_nothing_else(two_partnerships):
    a_manager, b_manager = two_partnerships["a_manager"], two_partnerships["b_manager"]
    case = case_open(actor=a_manager, partnership=two_partnerships["a"], pseudonym="Child T")
    _, a_raw = api_token_create(actor=a_manager, name="a")
    _, b_raw = api_token_create(actor=b_manager, name="b")
    client = Client()
    mine = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {a_raw}").json()
    assert [c["reference"] for c in mine] == [case.reference]
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {b_raw}").json() == []
    assert client.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {b_raw}").status_code == 404
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {a_raw}").json()
    assert me["email"] == a_manager.email and me["memberships"][0]["role"] == "business_manager"


@pytest.mark.django_db
def test_revoked_or_wrong_token_is_refused(two_partnerships):
    token, raw = api_token_create(actor=two_partnerships["a_manager"], name="a")
    client = Client()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    api_token_revoke(actor=two_partnerships["a_manager"], token=token)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer cspr_not-a-token").status_code == 401


@pytest.mark.django_db
def test_only_the_token_hash_is_stored(two_partnerships):
    token, raw = api_token_create(actor=two_partnerships["a_manager"], name="a")
    assert raw not in token.token_hash and len(token.token_hash) == 64


@pytest.mark.django_db
def test_account_page_creates_a_token_and_shows_it_once(two_partnerships, client_for):
    client = client_for(two_partnerships["a_manager"])
    client.post("/account/tokens/", {"name": "Case system link"})
    first = client.get("/account/").content.decode()
    assert 'id="new-token"' in first
    assert 'id="new-token"' not in client.get("/account/").content.decode()
