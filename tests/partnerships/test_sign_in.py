"""Sign-in a council's security officer would accept: Argon2, lockout, mandatory TOTP with backup codes."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.audit.models import AuditEvent
from cspr.partnerships.roles import Role
from tests.conftest import PASSWORD


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in_with_password(client: Client, email: str, password: str = PASSWORD):
    return client.post("/sign-in/", {"username": email, "password": password, "next": "/home/"})


@pytest.mark.django_db
def test_production_password_hasher_is_argon2():
    hashers = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=hashers):
        assert get_hasher().algorithm == "argon2"
        from cspr.partnerships.models import User

        user = User.objects.create_user("argon@example.gov.uk", PASSWORD, full_name="Argon")
        assert user.password.startswith("argon2$")


@pytest.mark.django_db
def test_password_alone_does_not_reach_any_page(make_user, make_partnership):
    user = make_user(Role.BUSINESS_MANAGER, make_partnership())
    client = Client()
    response = sign_in_with_password(client, user.email)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/two-factor/")
    for path in ("/home/", "/cases/", "/account/"):
        page = client.get(path)
        assert page.status_code == 302 and page["Location"] == "/sign-in/two-factor/", path


@pytest.mark.django_db
def test_first_sign_in_enrols_an_authenticator_with_qr_code_and_issues_backup_codes(make_user, make_partnership):
    user = make_user(Role.BUSINESS_MANAGER, make_partnership(), with_device=False)
    client = Client()
    sign_in_with_password(client, user.email)
    setup = client.get("/sign-in/two-factor/")
    body = setup.content.decode()
    assert "Set up two-factor authentication" in body
    assert 'src="data:image/svg+xml;base64,' in body  # the QR code
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post("/sign-in/two-factor/", {"otp_token": "000000" if code_for(device) != "000000" else "111111"})
    assert "The security code is not correct" in wrong.content.decode()
    # A wrong code throttles the device (django-otp doubles the wait after each failure): wait it out.
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=5), tick=True):
        device.refresh_from_db()
        done = client.post("/sign-in/two-factor/", {"otp_token": code_for(device)})
    assert done.status_code == 302 and done["Location"] == "/sign-in/backup-codes/"
    codes_page = client.get("/sign-in/backup-codes/").content.decode()
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", codes_page)
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get("/home/").status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_enrolled", object_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_backup_code_signs_in_once(make_user, make_partnership):
    user = make_user(Role.BUSINESS_MANAGER, make_partnership())
    from django_otp.plugins.otp_static.models import StaticDevice

    static = StaticDevice.objects.create(user=user, name="backup")
    static.token_set.create(token="abcd2345")
    first = Client()
    sign_in_with_password(first, user.email)
    ok = first.post("/sign-in/two-factor/", {"otp_token": "abcd 2345"})
    assert ok.status_code == 302 and first.get("/home/").status_code == 200
    second = Client()
    sign_in_with_password(second, user.email)
    again = second.post("/sign-in/two-factor/", {"otp_token": "abcd2345"})
    assert again.status_code == 200 and "not correct" in again.content.decode()


@pytest.mark.django_db
def test_authenticator_code_completes_sign_in_and_is_audited(make_user, make_partnership):
    user = make_user(Role.BUSINESS_MANAGER, make_partnership())
    client = Client()
    sign_in_with_password(client, user.email)
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/sign-in/two-factor/", {"otp_token": code_for(device), "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert AuditEvent.objects.filter(action="user.signed_in", object_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_wrong_password_message_does_not_reveal_whether_the_account_exists(make_user):
    user = make_user()
    wrong_password = sign_in_with_password(Client(), user.email, "not the password").content.decode()
    no_account = sign_in_with_password(Client(), "nobody@example.gov.uk", "not the password").content.decode()
    message = "Enter a correct email address and password"
    assert message in wrong_password and message in no_account


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_with_the_right_password(make_user):
    user = make_user()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_with_password(client, user.email, "wrong password")
    locked = sign_in_with_password(client, user.email, PASSWORD)
    assert locked.status_code == 429
    assert "locked for 30 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_open_redirect_is_refused_after_sign_in(make_user):
    user = make_user()
    client = Client()
    response = client.post("/sign-in/", {"username": user.email, "password": PASSWORD, "next": "https://evil.example/"})
    assert "evil.example" not in response["Location"]


@pytest.mark.django_db
def test_sign_out_ends_the_session(make_user, make_partnership, client_for):
    user = make_user(Role.BUSINESS_MANAGER, make_partnership())
    client = client_for(user)
    assert client.get("/home/").status_code == 200
    assert "You have signed out" in client.get("/sign-out/").content.decode()
    assert client.get("/home/").status_code == 302
