"""Render a Django form field as the matching GOV.UK Design System component.

One helper for every form, so each page gets GOV.UK labels, hints, error messages tied to their inputs with
aria-describedby, and an error summary linking to each field (WCAG 2.2: 3.3.1 Error Identification).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import suppress
from typing import Any, cast

from django import forms
from jinja2 import Environment
from markupsafe import Markup

_env: Environment | None = None
_macros: dict[tuple[str, str], Any] = {}


def bind_environment(env: Environment) -> None:
    global _env
    _env = env
    _macros.clear()
    _memo.clear()


# Components whose markup is worth keeping: a select's output depends only on its options, value and error,
# which repeat on every view of a filter (the Panel inbox's partnership list has 150 options and cost 5 ms a
# view through the macro; DESIGN.md rule 8). Only selects: their parameters are choices, not what people typed.
_MEMO_COMPONENTS = frozenset({"select"})
_MEMO_MAX = 256
_memo: OrderedDict[str, Markup] = OrderedDict()


def _render(component: str, name: str, params: dict[str, Any]) -> Markup:
    """Call a GOV.UK macro. In the autoescaping environment a macro's result is already safe Markup."""
    if component not in _MEMO_COMPONENTS:
        result: Markup = _macro(component, name)(params)
        return result
    key = component + json.dumps(params, sort_keys=True, default=str)
    cached = _memo.get(key)
    if cached is None:
        cached = _memo[key] = _macro(component, name)(params)
        while len(_memo) > _MEMO_MAX:
            with suppress(KeyError):  # another thread evicted it first
                _memo.popitem(last=False)
    return cached


def _macro(component: str, name: str) -> Any:
    key = (component, name)
    if key not in _macros:
        assert _env is not None, "the Jinja environment is not configured"
        template = _env.get_template(f"govuk_frontend_jinja/components/{component}/macro.html")
        _macros[key] = getattr(template.module, name)
    return _macros[key]


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input pattern); posted as NAME-day, NAME-month, NAME-year."""

    template_name = ""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if value and hasattr(value, "day"):
            return [value.day, value.month, value.year]
        if isinstance(value, list | tuple) and len(value) == 3:
            return list(value)
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [str(data.get(f"{name}-{part}", "")).strip() for part in ("day", "month", "year")]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return all(f"{name}-{part}" not in data for part in ("day", "month", "year"))


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK's error wording for each way it can be wrong."""

    widget = GovukDateWidget

    def __init__(self, *args: Any, label_noun: str = "date", **kwargs: Any) -> None:
        self.label_noun = label_noun
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        import datetime

        if value is None or (isinstance(value, list | tuple) and not any(value)):
            return None
        if isinstance(value, datetime.date):
            return value
        day, month, year = (str(v).strip() for v in value)
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise forms.ValidationError(f"The {self.label_noun} must include a {' and '.join(missing)}")
        # ASCII digits only: "²".isdigit() is true but int("²") fails (issue "Prove it holds", defect 2).
        if not all(part.isascii() and part.isdigit() for part in (day, month, year)):
            raise forms.ValidationError(f"The {self.label_noun} must be a real date, in numbers")
        if len(year) != 4:
            raise forms.ValidationError("The year must include 4 numbers")
        if len(day) > 2 or len(month) > 2:
            raise forms.ValidationError(f"The {self.label_noun} must be a real date")
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            # A 30-digit day overflowed C's int inside datetime.date (a 500 before): it is just not a date.
            raise forms.ValidationError(f"The {self.label_noun} must be a real date") from None


def _error(bound: forms.BoundField) -> dict[str, str] | None:
    return {"text": " ".join(str(e) for e in bound.errors)} if bound.errors else None


def _text_or_html(value: Any) -> dict[str, Any]:
    """Markup (say, with a visually hidden part that tells apart fields that look alike) is passed as html."""
    return {"html": value} if isinstance(value, Markup) else {"text": value}


def _label(bound: forms.BoundField, opts: dict[str, Any]) -> dict[str, Any]:
    label: dict[str, Any] = _text_or_html(opts.get("label", bound.label))
    if opts.get("heading"):
        label.update({"isPageHeading": True, "classes": "govuk-label--l"})
    elif opts.get("label_classes"):
        label["classes"] = opts["label_classes"]
    return label


def _legend(bound: forms.BoundField, opts: dict[str, Any]) -> dict[str, Any]:
    legend: dict[str, Any] = _text_or_html(opts.get("label", bound.label))
    if opts.get("heading"):
        legend.update({"isPageHeading": True, "classes": "govuk-fieldset__legend--l"})
    else:
        legend["classes"] = opts.get("legend_classes", "govuk-fieldset__legend--s")
    return legend


def _hint(bound: forms.BoundField, opts: dict[str, Any]) -> dict[str, str] | None:
    text = opts.get("hint", bound.help_text)
    return {"text": str(text)} if text else None


def _selected(bound: forms.BoundField) -> list[str]:
    value = bound.value()
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _choices(bound: forms.BoundField) -> Iterable[tuple[object, object]]:
    """The (value, label) pairs of a field drawn as radios, checkboxes or a select: a ChoiceField (a model
    choice field is one)."""
    # ``BoundField.field`` is typed as any Field, which has no choices; and django-stubs types a ChoiceField's
    # choices as anything that may be assigned to them, though Django turns that into pairs (or, for a model
    # choice field, an iterator of pairs) when it is assigned.
    field = cast(forms.ChoiceField, bound.field)
    return cast("Iterable[tuple[object, object]]", field.choices)


def govuk_field(bound: forms.BoundField, **opts: Any) -> Markup:
    """Render ``bound`` with the GOV.UK component its widget calls for. Options: label, hint, heading,
    classes, label_classes, legend_classes, rows, autocomplete, spellcheck, conditional (value -> html)."""
    widget = bound.field.widget
    common: dict[str, Any] = {
        "id": bound.auto_id,
        "name": bound.html_name,
        "errorMessage": _error(bound),
        "hint": _hint(bound, opts),
    }
    attributes = {k: v for k, v in widget.attrs.items() if k not in {"class", "id"}}
    if bound.field.required and not isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        attributes.setdefault("aria-required", "true")

    if isinstance(widget, GovukDateWidget):
        day, month, year = widget.decompress(bound.value()) if bound.value() else (None, None, None)
        error_class = " govuk-input--error" if bound.errors else ""
        return _render(
            "date-input",
            "govukDateInput",
            {
                **common,
                "namePrefix": bound.html_name,
                "fieldset": {"legend": _legend(bound, opts)},
                "items": [
                    {"name": "day", "classes": "govuk-input--width-2" + error_class, "value": day or ""},
                    {
                        "name": "month",
                        "classes": "govuk-input--width-2" + error_class,
                        "value": month or "",
                    },
                    {
                        "name": "year",
                        "classes": "govuk-input--width-4" + error_class,
                        "value": year or "",
                    },
                ],
            },
        )
    # Django's CheckboxSelectMultiple is a subclass of RadioSelect: it must not be drawn as radios.
    if isinstance(widget, forms.RadioSelect) and not isinstance(widget, forms.CheckboxSelectMultiple):
        conditional = opts.get("conditional", {})
        items = [
            {
                "value": str(value),
                "text": str(text),
                "checked": str(value) in _selected(bound),
                **({"conditional": {"html": conditional[str(value)]}} if str(value) in conditional else {}),
            }
            for value, text in _choices(bound)
            if str(value) != ""
        ]
        return _render(
            "radios",
            "govukRadios",
            {
                **common,
                "idPrefix": bound.auto_id,
                "fieldset": {"legend": _legend(bound, opts)},
                "items": items,
                "classes": opts.get("classes", ""),
            },
        )
    if isinstance(widget, forms.CheckboxSelectMultiple):
        items = [
            {"value": str(value), "text": str(text), "checked": str(value) in _selected(bound)}
            for value, text in _choices(bound)
        ]
        return _render(
            "checkboxes",
            "govukCheckboxes",
            {
                **common,
                "idPrefix": bound.auto_id,
                "fieldset": {"legend": _legend(bound, opts)},
                "items": items,
            },
        )
    if isinstance(widget, forms.CheckboxInput):
        return _render(
            "checkboxes",
            "govukCheckboxes",
            {
                **common,
                "idPrefix": bound.auto_id,
                "items": [
                    {
                        "value": "true",
                        "text": opts.get("label", bound.label),
                        "checked": bool(bound.value()),
                    }
                ],
                "classes": "govuk-checkboxes--small" if opts.get("small") else "",
            },
        )
    if isinstance(widget, forms.Select):
        items = [
            {"value": str(value), "text": str(text), "selected": str(value) in _selected(bound)}
            for value, text in _choices(bound)
        ]
        return _render(
            "select", "govukSelect", {**common, "label": _label(bound, opts), "items": items, "attributes": attributes}
        )
    if isinstance(widget, forms.Textarea):
        value = bound.value()
        params = {
            **common,
            "label": _label(bound, opts),
            "value": "" if value is None else str(value),
            "rows": opts.get("rows", widget.attrs.get("rows", 5)),
            "spellcheck": opts.get("spellcheck", True),
            "attributes": {k: v for k, v in attributes.items() if k not in {"rows", "cols"}},
        }
        max_length = getattr(bound.field, "max_length", None)
        if max_length:
            return _render("character-count", "govukCharacterCount", {**params, "maxlength": max_length})
        return _render("textarea", "govukTextarea", params)
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return _render(
            "file-upload", "govukFileUpload", {**common, "label": _label(bound, opts), "attributes": attributes}
        )
    if isinstance(widget, forms.PasswordInput):
        return _render(
            "password-input",
            "govukPasswordInput",
            {
                **common,
                "label": _label(bound, opts),
                "autocomplete": opts.get("autocomplete", widget.attrs.get("autocomplete", "current-password")),
                "attributes": {k: v for k, v in attributes.items() if k != "autocomplete"},
            },
        )
    value = bound.value()
    input_type = getattr(widget, "input_type", "text")
    params = {
        **common,
        "label": _label(bound, opts),
        "type": input_type if input_type in {"email", "tel", "url", "password", "number"} else "text",
        "value": "" if value is None else str(value),
        "classes": opts.get("classes", ""),
        "autocomplete": opts.get("autocomplete", widget.attrs.get("autocomplete")),
        "spellcheck": opts.get("spellcheck", False if input_type in {"email", "url"} else None),
        "attributes": {k: v for k, v in attributes.items() if k not in {"autocomplete"}},
    }
    if input_type == "number":
        params["type"] = "text"
        params["inputmode"] = "numeric"
    return _render("input", "govukInput", params)


def _field_anchor(bound: forms.BoundField) -> str:
    if isinstance(bound.field.widget, GovukDateWidget):
        return f"#{bound.auto_id}-day"
    return f"#{bound.auto_id}"


def govuk_error_summary(*forms_: forms.BaseForm | None) -> Markup:
    """The GOV.UK error summary for one or more forms: each error links to its field."""
    items: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not form.is_bound or not form.errors:
            continue
        items.extend({"text": str(e)} for e in form.non_field_errors())
        for name in form.errors:
            if name == "__all__" or name not in form.fields:
                continue
            bound = form[name]
            items.extend({"text": str(e), "href": _field_anchor(bound)} for e in bound.errors)
    if not items:
        return Markup("")
    return _render("error-summary", "govukErrorSummary", {"titleText": "There is a problem", "errorList": items})
