"""Staff tools for volunteers: approve or reject applications (with a reason), always via services."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .models import Volunteer, VolunteerStatusChange
from .services import VolunteerError, volunteer_approve, volunteer_reject


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason.")},
    )


def action_form_page(
    request: HttpRequest,
    *,
    title: str,
    form: forms.Form,
    objects: Sequence[Model],
    back_url: str,
    submit_label: str,
    action: str = "",
) -> TemplateResponse:
    """An intermediate admin page: a small form (a reason, a date) for one or more objects.

    With ``action`` it posts back to the changelist as the same admin action with ``apply``.
    """
    from django.contrib.admin import site

    return TemplateResponse(
        request,
        "admin/volunteers/action_form.html",
        {
            **site.each_context(request),
            "title": title,
            "form": form,
            "objects": objects,
            "action": action,
            "back_url": back_url,
            "submit_label": submit_label,
        },
    )


class VolunteerStatusChangeInline(admin.TabularInline):
    model = VolunteerStatusChange
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = (
        "display_name",
        "email",
        "prefecture",
        "municipality",
        "status",
        "capacity",
        "created_at",
    )
    list_filter = ("status", "prefecture", "categories", "created_at")
    search_fields = ("user__email", "user__display_name", "municipality", "bio")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    filter_horizontal = ("categories", "topics")
    readonly_fields = ("status", "created_at", "updated_at")
    inlines = [VolunteerStatusChangeInline]
    actions = ["approve_selected", "reject_selected"]

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, obj: Volunteer) -> str:
        return obj.user.email

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("volunteers.approve_volunteer")

    @admin.action(description=_("Approve selected volunteers"), permissions=["approve"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Volunteer]) -> None:
        done = 0
        for volunteer in queryset.select_related("user"):
            try:
                volunteer_approve(volunteer=volunteer, by=request.user)  # type: ignore[arg-type]
            except VolunteerError as error:
                self.message_user(request, f"{volunteer}: {error}", messages.WARNING)
            else:
                self.log_change(request, volunteer, "Approved")
                done += 1
        if done:
            self.message_user(
                request,
                _("%(count)d volunteer(s) approved.") % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Reject selected volunteers (with a reason)…"), permissions=["approve"]
    )
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Volunteer]):  # noqa: ANN201
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for volunteer in queryset.select_related("user"):
                try:
                    volunteer_reject(
                        volunteer=volunteer,
                        by=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
                except VolunteerError as error:
                    self.message_user(request, f"{volunteer}: {error}", messages.WARNING)
                else:
                    self.log_change(request, volunteer, f"Rejected: {form.cleaned_data['reason']}")
                    done += 1
            if done:
                self.message_user(
                    request,
                    _("%(count)d volunteer(s) rejected.") % {"count": done},
                    messages.SUCCESS,
                )
            return None
        return action_form_page(
            request,
            title=str(_("Reject volunteers")),
            form=form,
            objects=list(queryset.select_related("user")),
            back_url=request.get_full_path(),
            submit_label=str(_("Reject")),
            action="reject_selected",
        )
