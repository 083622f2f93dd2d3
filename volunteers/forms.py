"""The volunteer profile form: field validation only; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.choices import LANGUAGE_CHOICES, PREFECTURE_CHOICES, Availability, Mode
from requests_app.forms import CleanCharField
from requests_app.models import Category, Topic

from .models import MAX_CAPACITY, MAX_TASK_EMAILS_PER_DAY, MIN_CAPACITY, Volunteer, validate_phone
from .services import VolunteerData


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Category) -> str:  # type: ignore[override]
        return obj.name


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Topic) -> str:  # type: ignore[override]
        return f"{obj.category.name} — {obj.name}"


class VolunteerForm(forms.Form):
    display_name = CleanCharField(
        label=_("Your name as others see it"),
        help_text=_("A first name or a nickname is enough."),
        max_length=60,
        error_messages={
            "required": _("Write the name people will see."),
            "max_length": _("Keep it under %(limit_value)d characters."),
        },
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you can help in"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language.")},
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
    categories = CategoryChoiceField(
        label=_("What can you help with?"),
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of help.")},
    )
    topics = TopicChoiceField(
        label=_("Topics you know well (optional)"),
        queryset=Topic.objects.select_related("category"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    modes = forms.MultipleChoiceField(
        label=_("How can you help?"),
        choices=Mode.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way to help.")},
    )
    availability = forms.MultipleChoiceField(
        label=_("Good times for you"),
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one time that is good for you.")},
    )
    bio = CleanCharField(
        multiline=True,
        label=_("About you (optional)"),
        help_text=_("Any language. What you have done before, what you are good at."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        error_messages={"max_length": _("Keep it under %(limit_value)d characters.")},
    )
    capacity = forms.IntegerField(
        label=_("How many tasks can you have at once?"),
        min_value=MIN_CAPACITY,
        max_value=MAX_CAPACITY,
        initial=2,
        error_messages={
            "required": _("Write a number from 1 to 10."),
            "invalid": _("Write a number from 1 to 10."),
            "min_value": _("Write a number from 1 to 10."),
            "max_value": _("Write a number from 1 to 10."),
        },
    )
    contact_phone = CleanCharField(
        label=_("Phone for the people you help (optional)"),
        help_text=_("Shown only to a resident after staff approve your match."),
        max_length=20,
        required=False,
        validators=[validate_phone],
    )
    contact_email = forms.EmailField(
        label=_("Email for the people you help (optional)"),
        help_text=_("Shown only to a resident after staff approve your match."),
        required=False,
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )
    notify_new_tasks = forms.BooleanField(
        label=_("Email me about new tasks that fit me"), required=False, initial=True
    )
    daily_digest = forms.BooleanField(
        label=_("Collect new tasks in one daily email"), required=False
    )
    max_task_emails_per_day = forms.IntegerField(
        label=_("Most task emails a day"),
        min_value=0,
        max_value=MAX_TASK_EMAILS_PER_DAY,
        initial=3,
        error_messages={
            "required": _("Write a number from 0 to 20."),
            "invalid": _("Write a number from 0 to 20."),
            "min_value": _("Write a number from 0 to 20."),
            "max_value": _("Write a number from 0 to 20."),
        },
    )

    def __init__(self, *args: Any, instance: Volunteer | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "display_name": instance.user.display_name,
                "languages": instance.languages,
                "prefecture": instance.prefecture,
                "municipality": instance.municipality,
                "categories": [c.pk for c in instance.categories.all()],
                "topics": [t.pk for t in instance.topics.all()],
                "modes": instance.modes,
                "availability": instance.availability,
                "bio": instance.bio,
                "capacity": instance.capacity,
                "contact_phone": instance.contact_phone,
                "contact_email": instance.contact_email,
                "notify_new_tasks": instance.notify_new_tasks,
                "daily_digest": instance.daily_digest,
                "max_task_emails_per_day": instance.max_task_emails_per_day,
            }
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        categories = cleaned.get("categories")
        topics = cleaned.get("topics")
        if categories is not None and topics:
            chosen = {category.pk for category in categories}
            if any(topic.category_id not in chosen for topic in topics):
                self.add_error("topics", _("Pick topics from the categories you chose."))
        if (
            "contact_phone" in cleaned
            and "contact_email" in cleaned
            and not cleaned["contact_phone"]
            and not cleaned["contact_email"]
        ):
            self.add_error(
                "contact_email",
                _("Give a phone number or an email address for the people you help."),
            )
        return cleaned

    def to_data(self) -> VolunteerData:
        cleaned = self.cleaned_data
        return VolunteerData(
            display_name=cleaned["display_name"],
            languages=cleaned["languages"],
            prefecture=cleaned["prefecture"],
            municipality=cleaned["municipality"],
            categories=list(cleaned["categories"]),
            topics=list(cleaned["topics"]),
            modes=cleaned["modes"],
            availability=cleaned["availability"],
            bio=cleaned["bio"],
            capacity=cleaned["capacity"],
            contact_phone=cleaned["contact_phone"],
            contact_email=cleaned["contact_email"],
            notify_new_tasks=cleaned["notify_new_tasks"],
            daily_digest=cleaned["daily_digest"],
            max_task_emails_per_day=cleaned["max_task_emails_per_day"],
        )
