"""Server-side drafts: save, restore and discard what a user typed (DESIGN.md rule 5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest, QueryDict

from cspr.core.models import Draft

if TYPE_CHECKING:
    # For annotations only: a draft belongs to the project's user model (AUTH_USER_MODEL), and core
    # imports no domain app at runtime.
    from cspr.partnerships.models import User
    from cspr.partnerships.types import AuthedRequest

# Fields never kept in a draft: tokens and passwords must not outlive the request that carried them.
# A form's hidden ``version`` is kept on purpose: it is the version of the record the text was typed
# against, and restoring the draft with it lets the stale-edit check refuse a draft that someone else's
# save has overtaken, instead of the draft silently overwriting that save (DESIGN.md rule 5).
_NEVER_KEPT = {
    "csrfmiddlewaretoken",
    "password",
    "password1",
    "password2",
    "new_password1",
    "new_password2",
    "token",
    "otp_token",
}
MAX_DRAFT_FIELDS = 200
MAX_DRAFT_CHARS = 500_000


def draft_data_from_post(post: QueryDict | Mapping[str, object]) -> dict[str, list[str]]:
    """Keep every typed field (lists, for multi-value fields such as checkboxes) except secrets."""
    getlist = getattr(post, "getlist", None)
    data: dict[str, list[str]] = {}
    for name in list(post.keys())[:MAX_DRAFT_FIELDS]:
        if name in _NEVER_KEPT:
            continue
        values = getlist(name) if getlist else [post[name]]
        data[name] = [str(v)[:MAX_DRAFT_CHARS] for v in values]
    return data


def draft_save(*, user: User, key: str, data: Mapping[str, list[str]]) -> Draft:
    with transaction.atomic():
        draft, _ = Draft.objects.update_or_create(user=user, key=key[:300], defaults={"data": dict(data)})
    return draft


def draft_get(*, user: User, key: str) -> dict[str, list[str]] | None:
    draft = Draft.objects.filter(user=user, key=key[:300]).first()
    return draft.data if draft else None


def draft_discard(*, user: User, key: str) -> None:
    Draft.objects.filter(user=user, key=key[:300]).delete()


def draft_as_querydict(data: Mapping[str, list[str]]) -> QueryDict:
    qd = QueryDict(mutable=True)
    for name, values in data.items():
        qd.setlist(name, list(values))
    return qd


def draft_restore(request: HttpRequest) -> dict[str, str | list[str]]:
    """For a form page shown by GET: the user's draft for this page as form ``initial`` values (empty if none).

    For the account pages' simple, unversioned forms; case forms use ``cspr.web.forms.restore_draft``,
    which also restores date parts, prefixed forms and the version a draft was typed against. The form is
    not bound to the draft, so restoring shows what was typed without error messages; the
    page says that a draft was restored (``draft_restored`` in the context)."""
    if request.method != "GET" or not request.user.is_authenticated:
        return {}
    data = draft_get(user=request.user, key=request.path)
    if not data:
        return {}
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def draft_done(request: AuthedRequest) -> None:
    """The form was submitted and saved: its draft is no longer needed."""
    draft_discard(user=request.user, key=request.path)
