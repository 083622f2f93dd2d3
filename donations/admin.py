"""Staff tools: campaigns and their content, donation records with CSV import/export, moderation."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from .forms import DonationImportForm
from .models import Campaign, Donation, GivingMethod, ImpactTier, SupportMessage
from .money import format_yen
from .reports import (
    DONATION_COLUMNS,
    SUMMARY_COLUMNS,
    campaign_summary_rows,
    csv_lines,
    donation_rows,
)
from .selectors import progress_invalidate
from .services import (
    DonationImportError,
    donations_import_csv,
    message_approve,
    message_unapprove,
)


def _csv_response(filename: str, header, rows) -> StreamingHttpResponse:  # noqa: ANN001
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


class ImpactTierInline(TranslationTabularInline):
    model = ImpactTier
    extra = 0
    fields = ("amount_yen", "description")


class GivingMethodInline(TranslationStackedInline):
    model = GivingMethod
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("kind", "title", "body", "url", "tax_deductible", "position")


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin):
    list_display = ("title", "status", "start_date", "end_date", "goal", "raised", "supporter_goal")
    list_filter = ("status",)
    search_fields = ("slug", "title_ja", "title_en", "title_ne")
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [ImpactTierInline, GivingMethodInline]
    actions = ["download_summary"]
    change_list_template = "admin/donations/campaign/change_list.html"
    fieldsets = (
        (None, {"fields": ("slug", "status", "title", "summary", "story")}),
        (
            _("Goal and dates"),
            {"fields": ("goal_yen", "supporter_goal", "start_date", "end_date", "position")},
        ),
        (_("Cover image"), {"fields": ("cover_image", "cover_alt")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        return (
            super()
            .get_queryset(request)
            .annotate(raised_yen=Coalesce(Sum("donations__amount_yen"), 0))
        )

    @admin.display(description=_("goal"), ordering="goal_yen")
    def goal(self, obj: Campaign) -> str:
        return format_yen(obj.goal_yen)

    @admin.display(description=_("raised"), ordering="raised_yen")
    def raised(self, obj: Campaign) -> str:
        return format_yen(getattr(obj, "raised_yen", 0))

    def save_related(self, request, form, formsets, change) -> None:  # noqa: ANN001
        super().save_related(request, form, formsets, change)
        progress_invalidate(form.instance.pk)

    @admin.action(
        description=_("Download a summary of the selected campaigns (CSV)"), permissions=["view"]
    )
    def download_summary(
        self, request: HttpRequest, queryset: QuerySet[Campaign]
    ) -> HttpResponseBase:
        return _csv_response(
            f"campaign-summary-{_stamp()}.csv", SUMMARY_COLUMNS, campaign_summary_rows(queryset)
        )

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "summary.csv",
                self.admin_site.admin_view(self.summary_view),
                name="donations_campaign_summary",
            ),
            *super().get_urls(),
        ]

    def summary_view(self, request: HttpRequest) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return _csv_response(
            f"campaign-summary-{_stamp()}.csv",
            SUMMARY_COLUMNS,
            campaign_summary_rows(Campaign.objects.all()),
        )


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = (
        "date",
        "campaign",
        "amount",
        "channel",
        "external_reference",
        "donor_name",
        "is_monthly",
        "is_anonymous",
    )
    list_filter = ("channel", "campaign", "date", "is_monthly", "is_anonymous")
    search_fields = ("external_reference", "donor_name", "donor_email")
    date_hierarchy = "date"
    list_select_related = ("campaign",)
    # Counting 100,000 rows twice per page view is wasted work.
    show_full_result_count = False
    readonly_fields = ("recorded_by", "created_at")
    actions = ["export_selected"]
    change_list_template = "admin/donations/donation/change_list.html"

    @admin.display(description=_("amount"), ordering="amount_yen")
    def amount(self, obj: Donation) -> str:
        return format_yen(obj.amount_yen)

    def save_model(self, request, obj, form, change) -> None:  # noqa: ANN001
        if not change:
            obj.recorded_by = request.user
        old_campaign_id = (
            Donation.objects.filter(pk=obj.pk).values_list("campaign_id", flat=True).first()
        )
        super().save_model(request, obj, form, change)
        progress_invalidate(*{obj.campaign_id, old_campaign_id} - {None})

    def delete_model(self, request, obj) -> None:  # noqa: ANN001
        super().delete_model(request, obj)
        progress_invalidate(obj.campaign_id)

    def delete_queryset(self, request, queryset) -> None:  # noqa: ANN001
        campaign_ids = set(queryset.values_list("campaign_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        progress_invalidate(*campaign_ids)

    @admin.action(description=_("Export the selected donations (CSV)"), permissions=["view"])
    def export_selected(
        self, request: HttpRequest, queryset: QuerySet[Donation]
    ) -> HttpResponseBase:
        return _csv_response(f"donations-{_stamp()}.csv", DONATION_COLUMNS, donation_rows(queryset))

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="donations_donation_import",
            ),
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_view),
                name="donations_donation_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        """All donations matching the change list's current filters and search."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # As the change list itself does with filters it cannot apply (a hand-edited URL).
            return redirect(f"{reverse('admin:donations_donation_changelist')}?{ERROR_FLAG}=1")
        return _csv_response(
            f"donations-{_stamp()}.csv",
            DONATION_COLUMNS,
            donation_rows(changelist.get_queryset(request)),
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DonationImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            try:
                result = donations_import_csv(
                    campaign=form.cleaned_data["campaign"],
                    file=form.cleaned_data["file"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except DonationImportError as error:
                problems = error.problems
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "Imported %(count)d donation (%(amount)s).",
                        "Imported %(count)d donations (%(amount)s).",
                        result.created,
                    )
                    % {"count": result.created, "amount": format_yen(result.created_yen)},
                    messages.SUCCESS,
                )
                if result.already_imported:
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d row was already recorded and was skipped (lines %(lines)s).",
                            "%(count)d rows were already recorded and were skipped (lines %(lines)s).",
                            len(result.already_imported),
                        )
                        % {
                            "count": len(result.already_imported),
                            "lines": ", ".join(str(line) for line in result.already_imported[:50]),
                        },
                        messages.INFO,
                    )
                return redirect(reverse("admin:donations_donation_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import donations from a CSV file"),
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/donations/donation/import.html", context)


@admin.register(SupportMessage)
class SupportMessageAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "name", "campaign", "language", "approved", "created_at")
    list_filter = ("approved", "campaign", "language", "created_at")
    search_fields = ("body", "name")
    list_select_related = ("campaign",)
    date_hierarchy = "created_at"
    actions = ["approve", "unapprove"]
    fields = (
        "campaign",
        "name",
        "body",
        "language",
        "created_at",
        "approved",
        "approved_at",
        "approved_by",
    )
    # Staff approve or hide people's words; they do not rewrite them.
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    @admin.display(description=_("message"))
    def excerpt(self, obj: SupportMessage) -> str:
        return obj.body if len(obj.body) <= 80 else obj.body[:79] + "…"

    @admin.action(description=_("Approve: show on the campaign page"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[SupportMessage]) -> None:
        count = 0
        for message in queryset:
            message_approve(message=message, by=request.user)  # type: ignore[arg-type]
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d message approved.", "%(count)d messages approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unapprove: hide from the campaign page"), permissions=["change"])
    def unapprove(self, request: HttpRequest, queryset: QuerySet[SupportMessage]) -> None:
        count = 0
        for message in queryset:
            message_unapprove(message=message)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d message hidden.", "%(count)d messages hidden.", count)
            % {"count": count},
            messages.SUCCESS,
        )
