"""Forms: a message of support (public) and the donation import upload (staff). Field checks only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MESSAGE_MAX_LENGTH, MESSAGE_NAME_MAX_LENGTH, Campaign

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class SupportMessageForm(forms.Form):
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=MESSAGE_NAME_MAX_LENGTH,
        required=False,
        help_text=_("Leave it empty to stay anonymous."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please write a message.")},
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        # Formatted per request, so the text follows the visitor's language.
        self.fields["body"].help_text = _(
            "Up to %(count)s characters. Staff read every message before it appears."
        ) % {"count": MESSAGE_MAX_LENGTH}


class DonationImportForm(forms.Form):
    campaign: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.all()
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: date, amount_yen, channel, external_reference, donor_name, donor_email, "
            "is_anonymous, is_monthly, note. The first four are required."
        ),
    )

    def clean_file(self):  # noqa: ANN201
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB. Split it into smaller files.")
            )
        return upload
