"""The Jinja2 environment for every page: GOV.UK Frontend macros, URL and static helpers, form rendering.

GOV.UK's base template relies on Nunjucks' forgiving undefined values, so the environment uses
ChainableUndefined (DESIGN.md, known traps).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader, PrefixLoader
from markupsafe import Markup

from cspr.web import formhelpers


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def govuk_date(value: datetime.date | datetime.datetime | None, with_time: bool = False) -> str:
    """GOV.UK style: 5 January 2026 (and 2:30pm when a time matters)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        local = timezone.localtime(value) if timezone.is_aware(value) else value
        text = f"{local.day} {local:%B %Y}"
        if with_time:
            hour = local.hour % 12 or 12
            text += f" at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
        return text
    return f"{value.day} {value:%B %Y}"


def paragraphs(value: object, classes: str = "govuk-body") -> Markup:
    """Text typed over several lines, as one paragraph per non-empty line, escaped. Reasons, advice and
    rationales are written in paragraphs; shown as one run of text they lose the breaks between them."""
    lines = [line.strip() for line in str(value or "").splitlines() if line.strip()]
    return Markup("").join(Markup('<p class="{}">{}</p>').format(classes, line) for line in lines)


def environment(**options: Any) -> Environment:
    loader = options.pop("loader", None)
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)
    # GOV.UK macros import each other as "govuk_frontend_jinja/components/...".
    govuk = PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})
    env = Environment(
        loader=ChoiceLoader([loader, govuk]) if loader else govuk,
        extensions=["jinja2.ext.do"],
        autoescape=True,
        **options,
    )
    env.globals.update(
        {
            "static": static,
            "url": url,
            "get_messages": get_messages,
            "govuk_field": formhelpers.govuk_field,
            "govuk_error_summary": formhelpers.govuk_error_summary,
            "now": datetime.datetime.now,
        }
    )
    env.filters["govuk_date"] = govuk_date
    env.filters["paragraphs"] = paragraphs
    # A stored moment as the day it was in England (USE_TZ: moments are stored in UTC).
    env.filters["localdate"] = lambda value: timezone.localdate(value) if value else None
    formhelpers.bind_environment(env)
    return env
