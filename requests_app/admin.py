"""Staff tools for help requests. Status moves go through the lifecycle service, never a plain save."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from matching.admin import MatchInline, request_matching_panel

from .choices import LANGUAGE_CHOICES
from .models import Category, HelpRequest, RequestStatus, StatusChange, Topic
from .services import RequestError, request_cancel, request_close, request_transition


class TopicInline(TranslationTabularInline):
    model = Topic
    extra = 0
    fields = ("code", "name", "hint", "position")


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ("code", "name", "position")
    inlines = [TopicInline]


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    list_display = ("code", "name", "category", "position")
    list_filter = ("category",)
    search_fields = ("code", "name_ja", "name_en", "name_ne")


class FirstLanguageFilter(admin.SimpleListFilter):
    title = _("resident's first language")
    parameter_name = "first_language"

    def lookups(self, request, model_admin):  # noqa: ANN001, ANN201
        return LANGUAGE_CHOICES

    def queryset(self, request, queryset):  # noqa: ANN001, ANN201
        if self.value():
            return queryset.filter(languages__0=self.value())
        return queryset


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


def _move(target: RequestStatus):  # noqa: ANN202
    return lambda help_request, by: request_transition(help_request=help_request, to=target, by=by)


# Ending a request also cancels its matches: those go through their own services.
MOVES = {
    RequestStatus.MATCHING: _move(RequestStatus.MATCHING),
    RequestStatus.COMPLETED: _move(RequestStatus.COMPLETED),
    RequestStatus.CLOSED: lambda help_request, by: request_close(help_request=help_request, by=by),
    RequestStatus.CANCELLED: lambda help_request, by: request_cancel(
        help_request=help_request, by=by
    ),
}


def _transition_action(target: RequestStatus, description: str):  # noqa: ANN202
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        moved = 0
        for help_request in queryset:
            try:
                MOVES[target](help_request, request.user)
            except RequestError as error:
                modeladmin.message_user(request, f"#{help_request.pk}: {error}", messages.WARNING)
            else:
                moved += 1
        if moved:
            modeladmin.message_user(
                request,
                _("%(count)d request(s) moved to “%(status)s”.")
                % {"count": moved, "status": target.label},
                messages.SUCCESS,
            )

    action.__name__ = f"move_to_{target.value}"
    return action


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "title",
        "category",
        "prefecture",
        "municipality",
        "mode",
        "text_language",
        "status",
        "created_at",
    )
    list_filter = (
        "status",
        "category",
        "prefecture",
        "mode",
        FirstLanguageFilter,
        "text_language",
        "created_at",
    )
    search_fields = ("title", "description", "municipality", "resident__email")
    date_hierarchy = "created_at"
    list_select_related = ("category",)
    autocomplete_fields = ("resident",)
    filter_horizontal = ("topics",)
    readonly_fields = ("status", "text_language", "created_at", "updated_at", "matching_panel")
    inlines = [StatusChangeInline, MatchInline]
    actions = [
        _transition_action(RequestStatus.MATCHING, _("Open for matching")),
        _transition_action(RequestStatus.COMPLETED, _("Mark as done")),
        _transition_action(RequestStatus.CLOSED, _("Close (by staff)")),
        _transition_action(RequestStatus.CANCELLED, _("Cancel")),
    ]

    @admin.display(description=_("Volunteer"))
    def matching_panel(self, obj: HelpRequest) -> str:
        """Candidates, the volunteer who accepted, and approve/reject/propose (matching app)."""
        return request_matching_panel(obj)
