"""The signed-in home page: the person's memberships and what each app has for them.

Each later app adds its panel through ``cspr.core.registry.register_home_panel`` in its ``AppConfig.ready()``
(the cases app: cases by stage, what is due soonest, requests to answer), so neither ``web`` nor
``partnerships`` imports them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from cspr.core import registry
from cspr.partnerships import selectors
from cspr.partnerships.roles import Role
from cspr.partnerships.types import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    memberships = list(selectors.user_memberships(user=request.user))
    panels: dict[str, Any] = {}
    for panel in registry.HOME_PANELS.values():
        panels.update(panel(request.user))
    return render(
        request,
        "web/home.html",
        {
            "memberships": memberships,
            "access": selectors.access_for(request.user),
            "admin_partnerships": [m.partnership for m in memberships if m.role == Role.BUSINESS_MANAGER],
            **panels,
        },
    )
