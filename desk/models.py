"""The staff desk keeps no data of its own: this model only carries the dashboard's permission."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeNumbers(models.Model):
    """No table. Django makes permissions per model, so this unmanaged one holds
    ``desk.view_programme_numbers``: staff see the programme numbers only with it."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_programme_numbers", _("Can see the programme numbers"))]
        verbose_name = _("programme numbers")
        verbose_name_plural = _("programme numbers")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
