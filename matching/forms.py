"""Forms of the task board, the match pages and the OFP pair page: field validation only."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.forms import CleanCharField
from volunteers.models import validate_phone

from .schedule import length_text, service_window
from .services import FeedbackData

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]
MAX_DAYS_AHEAD = 365


class AgreedTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATETIME_INPUT_FORMATS)
        kwargs.setdefault(
            "error_messages", {"invalid": _("Enter a date and time like 2026-12-24 14:00.")}
        )
        super().__init__(**kwargs)

    def validate(self, value: datetime.datetime | None) -> None:
        super().validate(value)
        if value is None:
            return
        now = timezone.now()
        if value < now:
            raise forms.ValidationError(_("Choose a time from now on."), code="past")
        if value > now + datetime.timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(_("Choose a time within the next year."), code="too_far")


class AcceptForm(forms.Form):
    agreed_time = AgreedTimeField(
        label=_("Suggest a date and time (optional)"),
        help_text=_("Staff confirm the time with the resident when they approve."),
        required=False,
    )
    note = CleanCharField(
        label=_("A note for staff (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Keep it under %(limit_value)d characters.")},
    )


class DeclineForm(forms.Form):
    reason = CleanCharField(
        label=_("Why not? (optional, only staff see it)"),
        required=False,
        max_length=300,
        error_messages={"max_length": _("Keep it under %(limit_value)d characters.")},
    )


class WithdrawForm(forms.Form):
    reason = CleanCharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Keep it under %(limit_value)d characters.")},
    )


class ResidentPhoneForm(forms.Form):
    phone = CleanCharField(
        label=_("Your phone number (optional)"),
        help_text=_("Only your volunteer sees it."),
        required=False,
        max_length=20,
        validators=[validate_phone],
        error_messages={"max_length": _("Keep it under %(limit_value)d characters.")},
    )


class FeedbackForm(forms.Form):
    happened = forms.TypedChoiceField(
        label=_("Did the help happen?"),
        choices=[("yes", _("Yes, it happened")), ("no", _("No, it did not happen"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Tell us whether it happened.")},
    )
    helpful = forms.TypedChoiceField(
        label=_("How helpful was it? (1 = not at all, 5 = very)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    comment = CleanCharField(
        multiline=True,
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep it under %(limit_value)d characters.")},
    )
    unsafe = forms.BooleanField(
        label=_("Something made me feel unsafe"),
        help_text=_("Our staff will contact you. In an emergency, call 110 or 119."),
        required=False,
    )
    wants_to_continue = forms.BooleanField(
        label=_("I would like to keep meeting this person"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("happened") is True and cleaned.get("helpful") is None:
            self.add_error("helpful", _("Say how helpful it was, from 1 to 5."))
        return cleaned

    def to_data(self) -> FeedbackData:
        cleaned = self.cleaned_data
        return FeedbackData(
            happened=cleaned["happened"],
            helpful=cleaned.get("helpful"),
            comment=cleaned.get("comment", ""),
            unsafe=cleaned.get("unsafe", False),
            wants_to_continue=cleaned.get("wants_to_continue", False),
        )


class CheckInForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How is it going? (1 = badly, 5 = very well)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )
    comment = CleanCharField(
        multiline=True,
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep it under %(limit_value)d characters.")},
    )


class EndEarlyForm(forms.Form):
    reason = CleanCharField(
        multiline=True,
        label=_("Why does the pair end early?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Tell us why the pair ends early."),
            "max_length": _("Keep it under %(limit_value)d characters."),
        },
    )


# --- staff (admin) -----------------------------------------------------------------------------


class AgreedTimeForm(forms.Form):
    """The agreed start and length of the help. Whether they fit the service window is the
    services' rule (``check_service_window``); the help text says what the window is."""

    agreed_time = AgreedTimeField(
        label=_("Agreed date and time"),
        error_messages={
            "required": _("Enter the agreed date and time."),
            "invalid": _("Enter a date and time like 2026-12-24 14:00."),
        },
    )
    agreed_minutes = forms.TypedChoiceField(
        label=_("Planned length"),
        coerce=int,
        error_messages={"required": _("Choose how long the help will take.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        window = service_window()
        self.fields["agreed_time"].help_text = _("Help takes place: %(window)s.") % {
            "window": window.describe()
        }
        minutes_field = self.fields["agreed_minutes"]
        assert isinstance(minutes_field, forms.TypedChoiceField)  # noqa: S101 - for mypy
        minutes_field.choices = [
            (minutes, length_text(minutes)) for minutes in window.length_choices()
        ]


class ApproveForm(AgreedTimeForm):
    note = CleanCharField(label=_("Note (optional)"), required=False, max_length=300)


class ProposeForm(forms.Form):
    note = CleanCharField(label=_("Note (optional)"), required=False, max_length=300)


class ReasonForm(forms.Form):
    reason = CleanCharField(
        multiline=True,
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason.")},
    )


class ConvertForm(forms.Form):
    start_date = forms.DateField(
        label=_("Start date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Choose a start date."),
            "invalid": _("Enter a date like 2026-12-24."),
        },
    )
    rhythm = CleanCharField(
        label=_("Suggested rhythm (optional)"),
        help_text=_("Leave empty for the usual rhythm: about 2 hours a week."),
        required=False,
        max_length=200,
    )
