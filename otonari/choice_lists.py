"""Admin form fields for the JSON lists some models keep (languages, ways to help, good times,
preferred dates): checkboxes and date inputs, never raw JSON such as ``["ja","en","ne"]``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django import forms
from django.db import models
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

ORDER_HELP = _("The ticked ones keep their order (the easiest first); new ones are added last.")


class ChoiceListField(forms.TypedMultipleChoiceField):
    """A JSON list of codes from fixed choices, as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value: Any) -> Any:
        return list(value) if isinstance(value, list | tuple) else value


class DateListWidget(forms.MultiWidget):
    def __init__(self, labels: Sequence[str], attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.DateInput(attrs={"type": "date", "aria-label": label}, format="%Y-%m-%d")
            for label in labels
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        dates = list(value or [])
        return (dates + [None] * len(self.widgets))[: len(self.widgets)]


class DateListField(forms.MultiValueField):
    """A JSON list of ISO dates (at most one per input), as date inputs; kept sorted."""

    def __init__(self, *, labels: Sequence[str], **kwargs: Any) -> None:
        fields = [
            forms.DateField(
                required=False, error_messages={"invalid": _("Enter a date like 2026-12-24.")}
            )
            for _label in labels
        ]
        kwargs.setdefault("required", False)
        super().__init__(fields, widget=DateListWidget(labels), require_all_fields=False, **kwargs)

    def compress(self, data_list: Iterable[datetime.date | None]) -> list[str]:
        return sorted({day.isoformat() for day in data_list or [] if day})


def keep_order(before: Iterable[str], chosen: Iterable[str]) -> list[str]:
    """Codes still chosen stay where they were; newly ticked ones follow in the choices' order."""
    chosen = list(chosen)
    kept = [code for code in before if code in chosen]
    return kept + [code for code in chosen if code not in kept]


class ChoiceListAdminMixin:
    """For a ModelAdmin: the model's JSON list fields edited with checkboxes and date inputs.

    ``choice_lists`` maps a field name to its choices; ``ordered_choice_lists`` names those whose
    order matters (languages: the easiest first), kept by ``keep_order``; ``date_lists`` maps a
    field name to the labels of its date inputs.
    """

    choice_lists: ClassVar[dict[str, Sequence[tuple[str, Any]]]] = {}
    ordered_choice_lists: ClassVar[tuple[str, ...]] = ()
    date_lists: ClassVar[dict[str, Sequence[Any]]] = {}

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        name = db_field.name
        label = capfirst(db_field.verbose_name)
        if name in self.choice_lists:
            return ChoiceListField(
                choices=self.choice_lists[name],
                label=label,
                help_text=ORDER_HELP if name in self.ordered_choice_lists else "",
                required=not db_field.blank,
            )
        if name in self.date_lists:
            return DateListField(labels=self.date_lists[name], label=label)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    def save_form(self, request: HttpRequest, form: forms.ModelForm, change: bool) -> Any:
        obj = super().save_form(request, form, change)  # type: ignore[misc]
        for name in self.ordered_choice_lists:
            if name in form.cleaned_data:
                setattr(
                    obj, name, keep_order(form.initial.get(name) or [], form.cleaned_data[name])
                )
        return obj
