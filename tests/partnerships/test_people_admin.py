"""A business manager invites and removes people in their own partnership only."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from cspr.audit.models import AuditEvent
from cspr.core.errors import NotAllowed, NotFound
from cspr.partnerships.models import Membership, User
from cspr.partnerships.roles import Role
from cspr.partnerships.services import invitation_create, membership_remove


@pytest.mark.django_db(transaction=True)
def test_invitation_by_email_creates_the_account_and_membership(two_partnerships, client_for):
    a, manager = two_partnerships["a"], two_partnerships["a_manager"]
    client = client_for(manager)
    response = client.post(
        f"/partnerships/{a.slug}/people/invite/",
        {
            "full_name": "Nadia Reviewer",
            "email": "nadia@example.gov.uk",
            "role": Role.SCRUTINEER.value,
            "organisation": "",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia@example.gov.uk"]
    link = re.search(r"/invitations/[^/\s]+/", mail.outbox[0].body).group(0)
    visitor = Client()
    accept = visitor.post(link, {"password1": "a very long passphrase", "password2": "a very long passphrase"})
    assert accept.status_code == 302 and accept["Location"] == "/sign-in/two-factor/"
    user = User.objects.get(email="nadia@example.gov.uk")
    assert Membership.objects.active().filter(user=user, partnership=a, role=Role.SCRUTINEER.value).exists()
    # The link works once.
    assert Client().get(link).status_code == 404
    assert AuditEvent.objects.filter(action="invitation.accepted").exists()


@pytest.mark.django_db
def test_invite_form_shows_each_error_against_its_field(two_partnerships, client_for):
    a = two_partnerships["a"]
    body = (
        client_for(two_partnerships["a_manager"])
        .post(f"/partnerships/{a.slug}/people/invite/", {"full_name": "", "email": "not-an-email", "role": ""})
        .content.decode()
    )
    assert "There is a problem" in body
    assert 'href="#id_email"' in body and "Enter an email address in the correct format" in body
    assert "Enter the person&#39;s full name" in body or "Enter the person's full name" in body
    assert "Choose the person" in body


@pytest.mark.django_db
def test_agency_contributor_needs_an_agency(two_partnerships):
    from cspr.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        invitation_create(
            actor=two_partnerships["a_manager"],
            partnership=two_partnerships["a"],
            email="x@example.gov.uk",
            full_name="X",
            role=Role.AGENCY_CONTRIBUTOR.value,
        )
    assert "organisation" in exc.value.field_errors


@pytest.mark.django_db
def test_manager_cannot_invite_into_another_partnership(two_partnerships, client_for):
    b = two_partnerships["b"]
    with pytest.raises(NotFound):
        invitation_create(
            actor=two_partnerships["a_manager"],
            partnership=b,
            email="x@example.gov.uk",
            full_name="X",
            role=Role.AUDITOR.value,
        )
    response = client_for(two_partnerships["a_manager"]).post(
        f"/partnerships/{b.slug}/people/invite/",
        {"full_name": "X", "email": "x@example.gov.uk", "role": "auditor"},
    )
    assert response.status_code == 404
    assert not mail.outbox


@pytest.mark.django_db
def test_non_managers_cannot_manage_people(two_partnerships, make_user, client_for):
    a = two_partnerships["a"]
    decider = make_user(Role.DECISION_MAKER_LA, a)
    assert client_for(decider).get(f"/partnerships/{a.slug}/people/").status_code == 404


@pytest.mark.django_db
def test_removing_a_member_keeps_the_row_and_ends_their_access(two_partnerships, make_user, client_for):
    a, manager = two_partnerships["a"], two_partnerships["a_manager"]
    auditor = make_user(Role.AUDITOR, a)
    membership = auditor.memberships.get()
    from cspr.cases.services import case_open

    case = case_open(actor=manager, partnership=a, pseudonym="Child R")
    assert client_for(auditor).get(f"/cases/{case.pk}/").status_code == 200
    response = client_for(manager).post(f"/partnerships/{a.slug}/people/{membership.pk}/remove/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.removed_at is not None
    assert AuditEvent.objects.filter(action="membership.removed", object_id=str(membership.pk)).exists()
    assert client_for(auditor).get(f"/cases/{case.pk}/").status_code == 404


@pytest.mark.django_db
def test_manager_cannot_remove_their_own_manager_role(two_partnerships):
    manager = two_partnerships["a_manager"]
    with pytest.raises(NotAllowed):
        membership_remove(actor=manager, membership=manager.memberships.get())


@pytest.mark.django_db
def test_user_can_hold_several_memberships(make_partnership, make_user, client_for):
    a, b = make_partnership(), make_partnership()
    user = make_user(Role.BUSINESS_MANAGER, a)
    Membership.objects.create(user=user, partnership=b, role=Role.REVIEWER.value)
    body = client_for(user).get("/home/").content.decode()
    assert a.name in body and b.name in body
