"""Sign-up's extra questions (a display name, consent to the privacy notice) and the consent
checkboxes the request form adds when a consent is missing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from otonari.text import clean_text

from .models import ConsentKind, User
from .services import consent_record

# The box for each consent: what it allows, in plain words, and why we need it.
CONSENT_LABELS = {
    ConsentKind.PRIVACY_NOTICE: _(
        "I have read the privacy notice and agree that Otonari uses my information to find a "
        "volunteer for me and to contact me about my requests."
    ),
    ConsentKind.SENSITIVE_INFO: _(
        "I agree that Otonari keeps what I write about my health, my children or my residence "
        "status, to find the right help."
    ),
    ConsentKind.SHARE_WITH_VOLUNTEER: _(
        "I agree that my request is shared with the volunteer who helps me, after staff approve "
        "the match."
    ),
}
CONSENT_HELP = {
    ConsentKind.PRIVACY_NOTICE: _(
        "We need this to look after your account and your requests. We never sell your "
        "information or use it for advertising."
    ),
    ConsentKind.SENSITIVE_INFO: _(
        "Requests are often about a clinic, a school or a visa. The law treats this as sensitive "
        "information, so we may keep it only with your permission. Without it we cannot take "
        "your request."
    ),
    ConsentKind.SHARE_WITH_VOLUNTEER: _(
        "A volunteer can only help if they know what you need. Before staff approve, volunteers "
        "see only the topic, the area and the times, never your name or contacts. Without this "
        "we cannot take your request."
    ),
}
CONSENT_REQUIRED = {
    ConsentKind.PRIVACY_NOTICE: _("To continue, agree to the privacy notice."),
    ConsentKind.SENSITIVE_INFO: _("To send a request, agree that we keep this information."),
    ConsentKind.SHARE_WITH_VOLUNTEER: _(
        "To send a request, agree that it is shared with your volunteer."
    ),
}
# Shown first to last in this order.
CONSENT_ORDER = [
    ConsentKind.PRIVACY_NOTICE,
    ConsentKind.SENSITIVE_INFO,
    ConsentKind.SHARE_WITH_VOLUNTEER,
]


def consent_field_name(kind: str) -> str:
    return f"consent_{kind}"


def consent_fields(kinds: set[str]) -> dict[str, forms.BooleanField]:
    """Required checkboxes for the given kinds of consent, each with a link to the notice."""
    notice = format_html(
        '<a href="{}">{}</a>', reverse("privacy"), gettext("Read the privacy notice")
    )
    return {
        consent_field_name(kind): forms.BooleanField(
            label=CONSENT_LABELS[kind],
            label_suffix="",  # the label is a sentence: no colon after it
            help_text=format_html("{} {}", CONSENT_HELP[kind], notice),
            error_messages={"required": CONSENT_REQUIRED[kind]},
        )
        for kind in CONSENT_ORDER
        if kind in kinds
    }


def consents_given(form: forms.Form) -> set[str]:
    """The kinds of consent the person ticked on a valid form."""
    return {
        kind
        for kind in ConsentKind.values
        if form.cleaned_data.get(consent_field_name(kind)) is True
    }


class SignupForm(forms.Form):
    """allauth's ACCOUNT_SIGNUP_FORM_CLASS: allauth's form for the email and password builds on
    it, in the order below."""

    field_order = ("display_name", "email", "password1", "password2", "consent_privacy_notice")

    display_name = forms.CharField(
        label=_("Your name"),
        help_text=_(
            "The name your volunteer sees. It can be your first name or a nickname. "
            "We never show your email address instead."
        ),
        max_length=User._meta.get_field("display_name").max_length,
        error_messages={"required": _("Write the name your volunteer may call you.")},
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(consent_fields({ConsentKind.PRIVACY_NOTICE}))

    def clean_display_name(self) -> str:
        name = clean_text(self.cleaned_data["display_name"], multiline=False)
        if not name:
            raise forms.ValidationError(
                _("Write the name your volunteer may call you."), code="required"
            )
        return name

    def signup(self, request: Any, user: User) -> None:
        """Called by allauth once the account exists."""
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])
        consent_record(user=user, kinds=consents_given(self))
