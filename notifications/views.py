"""The in-app list of a person's notifications, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .selectors import get_notification_for_user, notifications_for_user
from .services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for_user(request.user), PAGE_SIZE).get_page(  # type: ignore[arg-type]
        request.GET.get("page")
    )
    notifications = list(page.object_list)
    return TemplateResponse(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "notifications": notifications,
            # Unread come first, so the first row tells whether any is unread.
            "has_unread": bool(notifications) and notifications[0].is_unread,
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for_user(request.user, pk)  # type: ignore[arg-type]
    notification_mark_read(notification=notification)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(recipient=request.user)  # type: ignore[arg-type]
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")
