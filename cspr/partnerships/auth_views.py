"""Sign-in with a password and a second factor, enrolment, backup codes, sign-out and session keep-alive.

Every account must use two-factor authentication (TOTP). A first sign-in enrols an authenticator app from a
QR code and issues ten single-use backup codes; later sign-ins ask for a code. Repeated password failures
lock the account for 30 minutes (django-axes); repeated wrong codes are throttled by django-otp.
"""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.audit.services import audit_record
from cspr.partnerships.forms import SignInForm, TokenForm
from cspr.partnerships.models import User
from cspr.partnerships.types import AuthedRequest, second_factor_verified

BACKUP_CODE_COUNT = 10


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and second_factor_verified(request.user):
        return redirect(_safe_next(request, reverse("home")))
    idle = request.session.pop("cspr_signed_out_idle", None)
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"].lower(), password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, None, None)
        if user is None:
            # One message whether the address or the password was wrong: do not reveal which accounts exist.
            error = "Enter a correct email address and password"
            form.add_error(None, error)
        else:
            login(request, user)
            target = _safe_next(request, reverse("home"))
            return HttpResponseRedirect(f"{reverse('two_factor')}?next={target}")
    return render(
        request,
        "partnerships/sign_in.html",
        {"form": form, "next": _safe_next(request, ""), "idle": idle, "page_has_errors": bool(form.errors)},
    )


def locked_out(request: HttpRequest, response: object = None, credentials: object = None) -> HttpResponse:
    """Shown by django-axes once the failure limit is reached."""
    return render(request, "partnerships/locked_out.html", {}, status=429)


def _qr_data_uri(text: str) -> str:
    svg = segno.make(text, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _issue_backup_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol (first sign-in) or check the second factor."""
    user = request.user
    if not user.is_authenticated:
        return redirect("sign_in")
    if second_factor_verified(user):
        return redirect(_safe_next(request, reverse("home")))
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    form = TokenForm(request.POST or None)
    if not confirmed:
        return _enrol(request, user, form)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            with transaction.atomic():
                audit_record(
                    actor=user,
                    action="user.signed_in",
                    target=user,
                    detail={"factor": "backup code" if isinstance(device, StaticDevice) else "authenticator"},
                    request=request,
                )
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"You used a backup code. You have {left} left. You can make new ones in your account.",
                )
            return redirect(_safe_next(request, reverse("home")))
        form.add_error(
            "otp_token",
            "The security code is not correct or has expired. Enter the latest code from your app",
        )
    return render(
        request,
        "partnerships/two_factor.html",
        {"form": form, "next": _safe_next(request, ""), "page_has_errors": bool(form.errors)},
    )


def _enrol(request: HttpRequest, user: User, form: TokenForm) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _issue_backup_codes(user)
                audit_record(actor=user, action="user.two_factor_enrolled", target=user, request=request)
            otp_login(request, device)
            request.session["cspr_backup_codes"] = codes
            request.session["cspr_after_codes"] = _safe_next(request, reverse("home"))
            return redirect("backup_codes")
        form.add_error("otp_token", "The security code is not correct. Enter the 6-digit code your app shows now")
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "partnerships/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _safe_next(request, ""),
            "page_has_errors": bool(form.errors),
        },
    )


@login_required
def backup_codes(request: AuthedRequest) -> HttpResponse:
    """Show newly issued backup codes once."""
    if not second_factor_verified(request.user):
        # On the sign-in journey's path, but only for a session that has just given its second factor.
        return redirect("two_factor")
    codes = request.session.pop("cspr_backup_codes", None)
    after = request.session.pop("cspr_after_codes", reverse("home"))
    if not codes:
        return redirect("account")
    return render(request, "partnerships/backup_codes.html", {"codes": codes, "after": after})


@login_required
@require_POST
def backup_codes_regenerate(request: AuthedRequest) -> HttpResponse:
    with transaction.atomic():
        codes = _issue_backup_codes(request.user)
        audit_record(actor=request.user, action="user.backup_codes_regenerated", target=request.user, request=request)
    request.session["cspr_backup_codes"] = codes
    request.session["cspr_after_codes"] = reverse("account")
    return redirect("backup_codes")


def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out (a link, so it also works from the idle warning and without JavaScript)."""
    reason = request.GET.get("reason")
    if request.user.is_authenticated:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="user.signed_out",
                target=request.user,
                detail={"reason": "idle" if reason == "idle" else "chose to"},
                request=request,
            )
        logout(request)
    if reason == "idle":
        request.session["cspr_signed_out_idle"] = {"draft_kept": True}
        return redirect("sign_in")
    return render(request, "partnerships/signed_out.html", {})


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Called by "Stay signed in": the request itself renews the idle timer in IdleTimeoutMiddleware."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)
