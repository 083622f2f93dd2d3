"""Field validators more than one app uses."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

validate_phone = RegexValidator(
    r"^\+?[0-9][0-9 \-()]{8,18}[0-9]$",
    _("Enter a phone number with digits, for example 090-1234-5678."),
    code="invalid_phone",
)
