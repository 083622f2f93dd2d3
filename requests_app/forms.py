"""The guided help-request form: field validation only; the rules live in services."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.forms import consent_fields, consents_given
from otonari.text import clean_text
from otonari.validators import validate_phone

from .attachments import CleanFile, clean_upload
from .choices import LANGUAGE_CHOICES, PREFECTURE_CHOICES, Availability, Mode
from .models import Attachment, Category, HelpRequest, Topic
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
    contact_phone = CleanCharField(
        label=_("Phone number (optional)"),
        help_text=_(
            "If you want your volunteer to call you. They see it only after staff approve the match."
        ),
        required=False,
        max_length=20,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
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

    def __init__(
        self,
        *args: Any,
        instance: HelpRequest | None = None,
        consents_needed: set[str] | None = None,
        **kwargs: Any,
    ) -> None:
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
                "contact_phone": instance.contact_phone,
                "mode": instance.mode,
                "availability": instance.availability,
                "date_1": dates[0] or None,
                "date_2": dates[1] or None,
            }
        super().__init__(*args, **kwargs)
        # Consents not yet given to the current privacy notice: asked here, before the request
        # is taken (the first request, or the first after the notice changed).
        self.fields.update(consent_fields(consents_needed or set()))

    @property
    def consent_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("consent_")]

    def consents_given(self) -> set[str]:
        return consents_given(self)

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
            contact_phone=cleaned.get("contact_phone", ""),
            mode=cleaned["mode"],
            availability=cleaned["availability"],
            preferred_dates=[d for d in (cleaned.get("date_1"), cleaned.get("date_2")) if d],
        )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the form checks them one by one (``clean_upload``)."""

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [upload for upload in files if upload]


def _original_name(attachment: Attachment) -> str:
    return attachment.original_name


class AttachmentForm(forms.Form):
    """The letter photos and PDFs of a request, beside the request form in the same <form>.

    A refused file is named in the error; the request form's fields keep their values (only
    the file input, which no browser can refill, has to be chosen again).
    """

    attachments = MultipleFileField(
        label=_("Photos or PDF of the letter (optional)"),
        help_text=_(
            "Take a photo of the letter or choose files: JPEG, PNG, HEIC or PDF. Up to "
            "%(count)d files, %(file_limit)s each, %(total_limit)s in all. Only you, our staff "
            "and your volunteer after staff approve the match can see them."
        ),
        required=False,
        # No `capture` attribute: on Android it opens the camera only, so a PDF or a photo
        # taken earlier could not be chosen. `accept` alone makes phones offer the camera,
        # the gallery and files.
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    remove = forms.ModelMultipleChoiceField(
        label=_("Remove these files"),
        queryset=Attachment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, help_request: HelpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help_request = help_request
        self.fields["attachments"].help_text = self.fields["attachments"].help_text % {
            "count": settings.ATTACHMENT_MAX_FILES,
            "file_limit": filesizeformat(settings.ATTACHMENT_MAX_FILE_BYTES),
            "total_limit": filesizeformat(settings.ATTACHMENT_MAX_REQUEST_BYTES),
        }
        remove = self.fields["remove"]
        assert isinstance(remove, forms.ModelMultipleChoiceField)  # noqa: S101
        if help_request is not None and help_request.pk:
            remove.queryset = help_request.attachments.all()
            remove.label_from_instance = _original_name  # type: ignore[method-assign,assignment]
            self.existing: list[Attachment] = list(help_request.attachments.all())
        else:
            del self.fields["remove"]
            self.existing = []

    @property
    def files_sent(self) -> bool:
        return bool(self.is_bound and self.files.getlist(self.add_prefix("attachments")))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        uploads: list[UploadedFile] = cleaned.get("attachments") or []
        removed = {a.pk for a in cleaned.get("remove") or []}
        kept = [a for a in self.existing if a.pk not in removed]
        errors: list[forms.ValidationError] = []
        limit = settings.ATTACHMENT_MAX_FILES
        if len(kept) + len(uploads) > limit:
            errors.append(
                forms.ValidationError(
                    ngettext(
                        "You can attach at most %(limit)d file to a request. You chose "
                        "%(count)d, and the request already has %(kept)d.",
                        "You can attach at most %(limit)d files to a request. You chose "
                        "%(count)d, and the request already has %(kept)d.",
                        limit,
                    ),
                    code="too_many_files",
                    params={"limit": limit, "count": len(uploads), "kept": len(kept)},
                )
            )
        total_limit = settings.ATTACHMENT_MAX_REQUEST_BYTES
        total = sum(a.size for a in kept) + sum(upload.size or 0 for upload in uploads)
        if total > total_limit:
            errors.append(
                forms.ValidationError(
                    _(
                        "All the files of a request together may be at most %(limit)s; "
                        "these are %(total)s. Send fewer or smaller files."
                    ),
                    code="too_big_in_all",
                    params={"limit": filesizeformat(total_limit), "total": filesizeformat(total)},
                )
            )
        clean_files: list[CleanFile] = []
        if not errors:
            for upload in uploads:
                try:
                    clean_files.append(clean_upload(upload))
                except forms.ValidationError as error:
                    errors.append(error)
        if errors:
            self.add_error("attachments", errors)
        cleaned["clean_files"] = clean_files
        return cleaned

    @property
    def new_files(self) -> list[CleanFile]:
        return self.cleaned_data.get("clean_files", [])

    @property
    def removed_ids(self) -> list[Any]:
        return [a.pk for a in self.cleaned_data.get("remove") or []]


class CancelForm(forms.Form):
    reason = CleanCharField(
        label=_("Why are you cancelling? (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
