"""The guided help-request form: field validation only; the rules live in services."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from otonari.text import clean_text

from .choices import LANGUAGE_CHOICES, PREFECTURE_CHOICES, Availability, Mode
from .models import Category, HelpRequest, Topic
from .services import RequestData

MAX_DAYS_AHEAD = 365


class CleanCharField(forms.CharField):
    """A CharField that strips control characters before the length validators run."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str:
        return clean_text(super().to_python(value), multiline=self.multiline)


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Topic) -> str:  # type: ignore[override]
        return obj.name


class HelpRequestForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("What do you need help with?"),
        queryset=Category.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose what you need help with.")},
    )
    topics = TopicChoiceField(
        label=_("Which of these?"),
        help_text=_("Choose one or more."),
        queryset=Topic.objects.select_related("category"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one topic.")},
    )
    title = CleanCharField(
        label=_("In a few words, what do you need?"),
        help_text=_("For example: “Go with me to the children's clinic for a vaccine”."),
        min_length=5,
        max_length=120,
        error_messages={
            "required": _("Write a short title."),
            "min_length": _("Write at least %(limit_value)d characters."),
            "max_length": _("Keep the title under %(limit_value)d characters."),
        },
    )
    description = CleanCharField(
        multiline=True,
        label=_("Tell us more"),
        help_text=_(
            "Write in Japanese, English or Nepali. What happened, what you need, any date that matters. "
            "Do not write your address, phone number or card numbers here."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=20,
        max_length=2000,
        error_messages={
            "required": _("Tell us a little more about what you need."),
            "min_length": _("Write at least %(limit_value)d characters."),
            "max_length": _("Keep it under %(limit_value)d characters."),
        },
    )
    first_language = forms.ChoiceField(
        label=_("Your easiest language"),
        choices=[("", "—"), *LANGUAGE_CHOICES],
        error_messages={"required": _("Choose the language that is easiest for you.")},
    )
    other_languages = forms.MultipleChoiceField(
        label=_("Other languages you can use"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"),
        choices=[("", "—")] + PREFECTURE_CHOICES,
        error_messages={"required": _("Choose your prefecture.")},
    )
    municipality = CleanCharField(
        label=_("City, ward, town or village"),
        help_text=_("For example: Setagaya, Yokohama. Not your street address."),
        max_length=60,
        error_messages={
            "required": _("Write your city, ward, town or village."),
            "max_length": _("Keep it under %(limit_value)d characters."),
        },
    )
    mode = forms.ChoiceField(
        label=_("How should the volunteer help?"),
        choices=Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the volunteer should help.")},
    )
    availability = forms.MultipleChoiceField(
        label=_("Good times for you"),
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one time that is good for you.")},
    )
    date_1 = forms.DateField(
        label=_("Preferred date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2026-12-24.")},
    )
    date_2 = forms.DateField(
        label=_("Another possible date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2026-12-24.")},
    )

    def __init__(self, *args: Any, instance: HelpRequest | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            dates = list(instance.preferred_dates) + ["", ""]
            kwargs["initial"] = {
                "category": instance.category_id,
                "topics": [t.pk for t in instance.topics.all()],
                "title": instance.title,
                "description": instance.description,
                "first_language": instance.first_language,
                "other_languages": instance.languages[1:],
                "prefecture": instance.prefecture,
                "municipality": instance.municipality,
                "mode": instance.mode,
                "availability": instance.availability,
                "date_1": dates[0] or None,
                "date_2": dates[1] or None,
            }
        super().__init__(*args, **kwargs)

    def _clean_date(self, name: str) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get(name)
        if value is None:
            return None
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError(_("Choose a date from today on."), code="past")
        if value > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(_("Choose a date within the next year."), code="too_far")
        return value

    def clean_date_1(self) -> datetime.date | None:
        return self._clean_date("date_1")

    def clean_date_2(self) -> datetime.date | None:
        return self._clean_date("date_2")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        category = cleaned.get("category")
        topics = cleaned.get("topics")
        if category is not None and topics:
            if any(topic.category_id != category.pk for topic in topics):
                self.add_error("topics", _("Pick topics from the category you chose."))
        return cleaned

    def to_data(self) -> RequestData:
        cleaned = self.cleaned_data
        first = cleaned["first_language"]
        others = [code for code in cleaned.get("other_languages", []) if code != first]
        return RequestData(
            category=cleaned["category"],
            topics=list(cleaned["topics"]),
            title=cleaned["title"],
            description=cleaned["description"],
            languages=[first, *others],
            prefecture=cleaned["prefecture"],
            municipality=cleaned["municipality"],
            mode=cleaned["mode"],
            availability=cleaned["availability"],
            preferred_dates=[d for d in (cleaned.get("date_1"), cleaned.get("date_2")) if d],
        )


class CancelForm(forms.Form):
    reason = CleanCharField(
        label=_("Why are you cancelling? (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
