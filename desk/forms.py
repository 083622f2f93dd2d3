"""The dashboard's period picker and filters: field validation only."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.choices import LANGUAGE_CHOICES, PREFECTURE_CHOICES
from requests_app.models import Category

from .periods import Period, between, fiscal_year_of, month_of
from .selectors import Filters

MONTH, FISCAL_YEAR, CUSTOM = "month", "fiscal_year", "custom"
MAX_CUSTOM_DAYS = 3 * 366


class DashboardForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (MONTH, _("This month")),
            (FISCAL_YEAR, _("This fiscal year (April to March)")),
            (CUSTOM, _("Custom dates")),
        ],
        initial=FISCAL_YEAR,
        required=False,
        widget=forms.RadioSelect,
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2026-04-01.")},
    )
    end = forms.DateField(
        label=_("To (included)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2027-03-31.")},
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("position", "id"),
        required=False,
        empty_label=_("All categories"),
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"),
        choices=[("", _("All prefectures")), *PREFECTURE_CHOICES],
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Resident's first language"),
        choices=[("", _("All languages")), *LANGUAGE_CHOICES],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("period") == CUSTOM:
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Choose both dates of the custom period."))
            if end < start:
                raise forms.ValidationError(_("The end date comes before the start date."))
            if (end - start).days > MAX_CUSTOM_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        return cleaned

    def period_and_filters(self, today: datetime.date | None = None) -> tuple[Period, Filters]:
        """What to show: the valid choices, else this fiscal year with no filter."""
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        choice = data.get("period") or FISCAL_YEAR
        if choice == MONTH:
            period = month_of(today)
        elif choice == CUSTOM:
            period = between(data["start"], data["end"])
        else:
            period = fiscal_year_of(today)
        filters = Filters(
            category=data.get("category"),
            prefecture=data.get("prefecture") or "",
            language=data.get("language") or "",
        )
        return period, filters
