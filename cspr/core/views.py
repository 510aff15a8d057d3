"""Draft autosave endpoint used by forms marked ``data-autosave`` (DESIGN.md rule 5)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from cspr.core.drafts import draft_data_from_post, draft_save

if TYPE_CHECKING:
    from cspr.partnerships.types import AuthedRequest  # annotations only: core imports no domain app


@login_required
@require_POST
def draft_autosave(request: AuthedRequest) -> HttpResponse:
    """Keep what the user typed for the form at ``?key=/its/path/``. Only the user's own drafts are touched,
    and a draft grants nothing: the form's own view still checks access when it is restored or submitted."""
    key = urlsplit(request.GET.get("key", "")).path
    if not key.startswith("/") or len(key) > 300:
        return JsonResponse({"detail": "Name the form's page in ?key=."}, status=400)
    draft_save(user=request.user, key=key, data=draft_data_from_post(request.POST))
    return JsonResponse({"saved": True})
