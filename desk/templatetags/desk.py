"""``{% work_queue as queue %}``: the admin home's work queue for the staff member looking."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse

from desk.queues import QUEUES, Queue, queue_label
from desk.selectors import queue_counts
from desk.views import PERMISSION
from otonari.work_queue import PARAMETER

register = template.Library()


@dataclass(frozen=True)
class QueueRow:
    key: str
    label: str
    empty: str
    count: int
    oldest: datetime.datetime | None
    url: str


@dataclass(frozen=True)
class WorkQueue:
    rows: list[QueueRow]
    dashboard: bool

    @property
    def all_clear(self) -> bool:
        return not any(row.count for row in self.rows)


def _sort_index(model_admin: admin.ModelAdmin, request: HttpRequest, column: str) -> str:
    """The change list's ``o`` value that sorts by ``column``, oldest first. The change list
    counts the action checkbox as column 0 when the staff member has actions there."""
    columns = list(model_admin.get_list_display(request))
    if model_admin.get_actions(request):
        columns.insert(0, "action_checkbox")
    return str(columns.index(column)) if column in columns else ""


def _url(queue: Queue, request: HttpRequest) -> str:
    model_admin = admin.site.get_model_admin(queue.model)
    opts = queue.model._meta
    query = {PARAMETER: queue.key}
    order = _sort_index(model_admin, request, queue.sort_by)
    if order:
        query["o"] = order
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?" + urlencode(query)


def _visible(queue: Queue, request: HttpRequest) -> bool:
    if not admin.site.is_registered(queue.model):
        return False
    return admin.site.get_model_admin(queue.model).has_view_permission(request)


@register.simple_tag(takes_context=True)
def work_queue(context: template.Context) -> WorkQueue:
    request = context["request"]
    queues = [queue for queue in QUEUES if _visible(queue, request)]
    rows = [
        QueueRow(
            key=found.queue.key,
            label=queue_label(found.queue),
            empty=str(found.queue.empty),
            count=found.count,
            oldest=found.oldest,
            url=_url(found.queue, request),
        )
        for found in queue_counts(queues=queues)
    ]
    return WorkQueue(rows=rows, dashboard=request.user.has_perm(PERMISSION))
