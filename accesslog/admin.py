"""The access log in the admin (superusers only, read-only) and the mixin that writes it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, AccessView
from .services import record_access, record_list_access


def _shown(response: HttpResponse) -> bool:
    """The page was rendered (not a redirect after saving, a 404 or a permission error)."""
    return isinstance(response, TemplateResponse) and response.status_code == 200


class AccessLoggedAdmin(admin.ModelAdmin):
    """For a ModelAdmin whose pages show a resident's personal data: each rendered change,
    history or list page writes one row to the staff access log (see accesslog.models)."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        original = response.context_data.get("original") if _shown(response) else None  # type: ignore[attr-defined]
        if original is not None:
            record_access(user=request.user, obj=original, what=AccessView.CHANGE)
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        shown = response.context_data.get("object") if _shown(response) else None  # type: ignore[attr-defined]
        if shown is not None:
            record_access(user=request.user, obj=shown, what=AccessView.HISTORY)
        return response

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if _shown(response):
            record_list_access(user=request.user, model=self.model)
        return response


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "staff", "view", "content_type", "object_id", "description")
    list_filter = ("view", ("content_type", admin.RelatedOnlyFieldListFilter), "at")
    list_select_related = ("staff", "content_type", "parent_content_type")
    search_fields = ("object_id", "parent_object_id", "staff__email")
    date_hierarchy = "at"
    fields = (
        "at",
        "staff",
        "view",
        "content_type",
        "object_id",
        "parent_content_type",
        "parent_object_id",
    )
    readonly_fields = fields

    @admin.display(description=_("what was opened"))
    def description(self, obj: AccessLog) -> str:
        return obj.description

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False
