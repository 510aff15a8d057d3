"""govuk_field renders each kind of Django field as its GOV.UK component, with the error wiring that makes
the error summary's links and screen readers work (GOV.UK Design System; WCAG 2.2 3.3.1 and 1.3.1)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import engines

from cspr.web.formhelpers import GovukDateField, govuk_error_summary, govuk_field


@pytest.fixture(autouse=True)
def jinja_environment() -> None:
    engines["jinja2"]  # building the engine binds the GOV.UK macros the helper calls


class Everything(forms.Form):
    name = forms.CharField(label="Name of the agency", help_text="As it appears on letters")
    summary = forms.CharField(label="What your agency knew", widget=forms.Textarea)
    nature = forms.ChoiceField(
        label="What happened to the child",
        choices=[("death", "Death"), ("harm", "Serious harm")],
        widget=forms.RadioSelect,
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies involved",
        choices=[("police", "Police"), ("health", "Health")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    looked_after = forms.BooleanField(label="The child was looked after", required=False)
    la = forms.ChoiceField(label="Local authority", choices=[("", "Choose"), ("n", "Northshire")])
    aware = GovukDateField(label="When the local authority became aware", label_noun="date of awareness")


def html(form: forms.Form, name: str) -> str:
    return str(govuk_field(form[name]))


def test_each_widget_becomes_its_govuk_component() -> None:
    form = Everything()
    assert 'class="govuk-input' in html(form, "name") and 'id="id_name"' in html(form, "name")
    assert 'class="govuk-textarea' in html(form, "summary")
    assert html(form, "nature").count('class="govuk-radios__input"') == 2
    assert html(form, "agencies").count('class="govuk-checkboxes__input"') == 2
    assert 'class="govuk-checkboxes__input"' in html(form, "looked_after")
    assert 'class="govuk-select' in html(form, "la")
    date = html(form, "aware")
    assert all(f'id="id_aware-{part}"' in date for part in ("day", "month", "year"))
    assert "<legend" in date and "<legend" in html(form, "nature")  # groups are named by a legend


def test_labels_and_hints_are_tied_to_the_input() -> None:
    field = html(Everything(), "name")
    assert re.search(r'<label class="govuk-label"\s+for="id_name"', field)
    hint_id = re.search(r'<div id="([^"]+)" class="govuk-hint">\s*As it appears on letters', field)
    assert hint_id and f'aria-describedby="{hint_id.group(1)}"' in field


def test_an_invalid_field_shows_its_error_and_the_summary_links_to_it() -> None:
    form = Everything(data={"name": "", "summary": "", "aware-day": "31", "aware-month": "2", "aware-year": "2026"})
    assert not form.is_valid()
    name = html(form, "name")
    assert "govuk-form-group--error" in name and "govuk-input--error" in name
    error_id = re.search(r'<p id="([^"]+)" class="govuk-error-message">', name)
    assert error_id and error_id.group(1) in re.search(r'aria-describedby="([^"]+)"', name).group(1)
    assert "The date of awareness must be a real date" in html(form, "aware")
    summary = str(govuk_error_summary(form))
    assert "There is a problem" in summary
    assert 'href="#id_name"' in summary and 'href="#id_summary"' in summary
    assert 'href="#id_aware-day"' in summary  # a date's error takes the reader to its day box


def test_what_was_typed_is_shown_back_after_an_error() -> None:
    form = Everything(data={"name": "Riverside Trust", "summary": "Seen <twice>", "nature": "harm", "la": ""})
    assert not form.is_valid()
    assert 'value="Riverside Trust"' in html(form, "name")
    assert "Seen &lt;twice&gt;" in html(form, "summary")  # escaped, never markup
    assert re.search(r'value="harm"\s+checked', html(form, "nature"))


def test_an_empty_form_renders_no_error_summary() -> None:
    assert str(govuk_error_summary(Everything())) == ""
