"""Staff tools for help requests. Status moves go through the lifecycle service, never a plain save."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from accesslog.admin import AccessLoggedAdmin
from matching.admin import MatchInline, request_matching_panel
from matching.ranking_services import RankingError, ranking_retry
from otonari.choice_lists import ChoiceListAdminMixin
from otonari.work_queue import WorkQueueFilter

from .choices import LANGUAGE_CHOICES, Availability
from .models import Attachment, Category, HelpRequest, RequestStatus, StatusChange, Topic
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
        # Only a language of the list: anything else in the URL (a NUL byte, which PostgreSQL
        # refuses in a query) filters nothing.
        if self.value() in dict(LANGUAGE_CHOICES):
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


class AttachmentInline(admin.TabularInline):
    """The letter photos and PDFs, read-only, opened through the same checked view as on the
    site (staff need the ``view_attachment`` permission; each opening is access-logged)."""

    model = Attachment
    extra = 0
    can_delete = False
    fields = ("link", "kind", "pages", "size", "created_at")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def link(self, obj: Attachment) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            obj.original_name,
        )

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
class HelpRequestAdmin(AccessLoggedAdmin, ChoiceListAdminMixin, admin.ModelAdmin):
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
        WorkQueueFilter,
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
    readonly_fields = ("status", "text_language", "created_at", "updated_at")
    change_form_template = "admin/requests_app/helprequest/change_form.html"
    # JSON lists as checkboxes and date inputs (otonari.choice_lists), never raw JSON.
    choice_lists = {"languages": LANGUAGE_CHOICES, "availability": Availability.choices}
    ordered_choice_lists = ("languages",)
    date_lists = {"preferred_dates": (_("Preferred date"), _("Another possible date"))}
    inlines = [StatusChangeInline, AttachmentInline, MatchInline]
    actions = [
        _transition_action(RequestStatus.MATCHING, _("Open for matching")),
        _transition_action(RequestStatus.COMPLETED, _("Mark as done")),
        _transition_action(RequestStatus.CLOSED, _("Close (by staff)")),
        _transition_action(RequestStatus.CANCELLED, _("Cancel")),
    ]

    def render_change_form(  # noqa: ANN201
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: HelpRequest | None = None,
    ):
        """The matching panel (candidates, the current match and its actions; matching app)."""
        if obj is not None and obj.pk is not None:
            context["matching_panel"] = request_matching_panel(obj, user=request.user)  # type: ignore[arg-type]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):  # noqa: ANN201
        return [
            path(
                "<int:pk>/rank-again/",
                self.admin_site.admin_view(self.rank_again_view),
                name="requests_app_helprequest_rank_again",
            ),
            *super().get_urls(),
        ]

    def rank_again_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Queue a failed or stuck ranking again through the outbox: the worker ranks, not us."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        help_request = get_object_or_404(HelpRequest, pk=pk)
        if not self.has_change_permission(request, help_request):
            raise PermissionDenied
        try:
            queued = ranking_retry(help_request=help_request)
        except RankingError as error:
            self.message_user(request, str(error), messages.WARNING)
        else:
            if queued:
                self.log_change(request, help_request, gettext("Queued for ranking again"))
                self.message_user(
                    request,
                    _(
                        "The request is queued for ranking. The candidates appear here when it is done."
                    ),
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request, _("This request is already being ranked."), messages.INFO
                )
        return HttpResponseRedirect(
            reverse("admin:requests_app_helprequest_change", args=[help_request.pk])
        )
