"""The admin list filter behind the staff work queue's links (“work queue” in a change list).

The queues are rules on several apps' models, so the desk app (the top layer) defines them and
registers them here when Django starts (``desk.apps``). The apps' admins name this filter in
their ``list_filter`` without importing the desk.
"""

from __future__ import annotations

import datetime
from typing import Protocol

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PARAMETER = "queue"


class WorkQueue(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def model(self) -> type[models.Model]: ...

    def filter(self, queryset: models.QuerySet, now: datetime.datetime) -> models.QuerySet: ...

    def title(self) -> str: ...


_QUEUES: dict[str, WorkQueue] = {}


def register(*queues: WorkQueue) -> None:
    for queue in queues:
        _QUEUES[queue.key] = queue


class WorkQueueFilter(admin.SimpleListFilter):
    """The work queues of the change list's model; a queue keeps exactly the rows it counts."""

    title = _("work queue")
    parameter_name = PARAMETER

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):  # noqa: ANN201
        return [(q.key, q.title()) for q in _QUEUES.values() if q.model is model_admin.model]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        queue = _QUEUES.get(self.value() or "")
        if queue is None or queue.model is not queryset.model:
            return queryset
        return queue.filter(queryset, timezone.now())
