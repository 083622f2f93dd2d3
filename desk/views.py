"""The programme-numbers dashboard for staff, inside the admin, with a CSV per table."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from donations.reports import csv_lines

from .forms import DashboardForm
from .periods import Period
from .selectors import Table, programme_numbers

PERMISSION = "desk.view_programme_numbers"


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Staff (through admin_view) with the permission only; ``?csv=<table>`` downloads one table."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = DashboardForm(request.GET or None)
    period, filters = form.period_and_filters()
    numbers = programme_numbers(period=period, filters=filters)
    wanted = request.GET.get("csv")
    if wanted:
        table = next((t for t in numbers.tables if t.key == wanted), None)
        if table is None:
            raise Http404
        return _csv(table, period)
    query = request.GET.copy()
    query.pop("csv", None)
    return TemplateResponse(
        request,
        "desk/dashboard.html",
        {
            **admin.site.each_context(request),
            "title": _("Programme numbers"),
            "form": form,
            "numbers": numbers,
            "charts": [table.chart_data() for table in numbers.tables if table.chart],
            "query": query.urlencode(),
        },
    )


def _csv(table: Table, period: Period) -> StreamingHttpResponse:
    # Labels are lazy translations: rendered now, in the staff member's language.
    rows = [[str(row[0]), *("" if v is None else v for v in row[1:])] for row in table.rows]
    response = StreamingHttpResponse(
        csv_lines([str(c) for c in table.columns], rows),
        content_type="text/csv; charset=utf-8",
    )
    stamp = f"{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="{table.key}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
