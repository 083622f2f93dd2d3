"""The audit record every lifecycle keeps: one row per status move, with who, when and why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def status_fields(choices: Iterable[tuple[Any, Any]]) -> tuple[models.CharField, models.CharField]:
    """The ``from_status`` and ``to_status`` columns of an audit record, for one set of states."""
    choices = list(choices)
    return (
        models.CharField(_("from"), max_length=20, choices=choices, blank=True),
        models.CharField(_("to"), max_length=20, choices=choices),
    )


class StatusAudit(models.Model):
    """Who moved what from which status to which, when, and why. A subclass adds the subject (a
    foreign key) and ``from_status, to_status = status_fields(TheStatus.choices)``."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"  # type: ignore[attr-defined]
