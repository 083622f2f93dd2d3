"""Staff tools for volunteers: approve, reject (with a reason) or pause, from the list or from the
volunteer's own page, always through the services. Lists of choices are edited with checkboxes."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accesslog.models import AccessView
from accesslog.services import record_access
from otonari.choice_lists import ChoiceListAdminMixin
from otonari.work_queue import WorkQueueFilter
from requests_app.choices import LANGUAGE_CHOICES, Availability, Mode

from .models import VOLUNTEER_TRANSITIONS, Volunteer, VolunteerStatus, VolunteerStatusChange
from .services import VolunteerError, volunteer_approve, volunteer_pause, volunteer_reject


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConfirmForm(forms.Form):
    """No fields: the page only asks to confirm."""


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

    # The page names each object (a request's title, a person's name): staff access log.
    for obj in objects:
        record_access(user=request.user, obj=obj, what=AccessView.ACTION)
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


# The buttons on a volunteer's page, shown when the lifecycle allows the move.
BUTTONS = {"approve": _("Approve…"), "reject": _("Reject…"), "pause": _("Pause…")}


@admin.register(Volunteer)
class VolunteerAdmin(ChoiceListAdminMixin, admin.ModelAdmin):
    list_display = (
        "display_name",
        "email",
        "prefecture",
        "municipality",
        "status",
        "capacity",
        "created_at",
    )
    list_filter = ("status", WorkQueueFilter, "prefecture", "categories", "created_at")
    search_fields = ("user__email", "user__display_name", "municipality", "bio")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    filter_horizontal = ("topics",)
    readonly_fields = ("status", "created_at", "updated_at")
    inlines = [VolunteerStatusChangeInline]
    actions = ["approve_selected", "reject_selected", "pause_selected"]
    change_form_template = "admin/volunteers/volunteer/change_form.html"
    choice_lists = {
        "languages": LANGUAGE_CHOICES,
        "modes": Mode.choices,
        "availability": Availability.choices,
    }
    ordered_choice_lists = ("languages",)

    @admin.display(description=_("display name"), ordering="user__display_name")
    def display_name(self, obj: Volunteer) -> str:
        return obj.display_name

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, obj: Volunteer) -> str:
        return obj.user.email

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # noqa: ANN001, ANN003, ANN201
        if db_field.name == "categories":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("volunteers.approve_volunteer")

    # --- buttons on the volunteer's page: the same services as the list's actions -------------

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/approve/", wrap(self.approve_view), name="volunteers_volunteer_approve"),
            path("<int:pk>/reject/", wrap(self.reject_view), name="volunteers_volunteer_reject"),
            path("<int:pk>/pause/", wrap(self.pause_view), name="volunteers_volunteer_pause"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):  # noqa: ANN001, ANN201
        if obj is not None and self.has_approve_permission(request):
            allowed = {
                "approve": VolunteerStatus.APPROVED,
                "reject": VolunteerStatus.REJECTED,
                "pause": VolunteerStatus.PAUSED,
            }
            moves = VOLUNTEER_TRANSITIONS[VolunteerStatus(obj.status)]
            context["volunteer_buttons"] = [
                (reverse(f"admin:volunteers_volunteer_{name}", args=[obj.pk]), BUTTONS[name])
                for name, target in allowed.items()
                if target in moves
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _decide(self, request: HttpRequest, pk: int, *, form_class, title, submit, run):  # noqa: ANN001
        if not self.has_approve_permission(request):
            raise PermissionDenied
        volunteer = get_object_or_404(Volunteer.objects.select_related("user"), pk=pk)
        back = reverse("admin:volunteers_volunteer_change", args=[volunteer.pk])
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                message = run(volunteer, form.cleaned_data)
            except VolunteerError as error:
                form.add_error(None, str(error))
            else:
                self.log_change(request, volunteer, message)
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(back)
        return action_form_page(
            request,
            title=str(title),
            form=form,
            objects=[volunteer],
            back_url=back,
            submit_label=str(submit),
        )

    def approve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def run(volunteer: Volunteer, data: dict) -> str:
            volunteer_approve(volunteer=volunteer, by=request.user, note=data["note"])  # type: ignore[arg-type]
            return gettext("The volunteer is approved.")

        return self._decide(
            request,
            pk,
            form_class=NoteForm,
            title=_("Approve the volunteer"),
            submit=_("Approve"),
            run=run,
        )

    def reject_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def run(volunteer: Volunteer, data: dict) -> str:
            volunteer_reject(volunteer=volunteer, by=request.user, reason=data["reason"])  # type: ignore[arg-type]
            return gettext("The volunteer is not approved: %(reason)s") % {"reason": data["reason"]}

        return self._decide(
            request,
            pk,
            form_class=ReasonForm,
            title=_("Reject the volunteer"),
            submit=_("Reject"),
            run=run,
        )

    def pause_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def run(volunteer: Volunteer, data: dict) -> str:
            volunteer_pause(volunteer=volunteer, by=request.user)  # type: ignore[arg-type]
            return gettext("The volunteer is paused: they see and take no tasks until resumed.")

        return self._decide(
            request,
            pk,
            form_class=ConfirmForm,
            title=_("Pause the volunteer"),
            submit=_("Pause"),
            run=run,
        )

    # --- changelist actions ---------------------------------------------------------------------

    @admin.action(description=_("Approve selected volunteers"), permissions=["approve"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Volunteer]) -> None:
        done = 0
        for volunteer in queryset.select_related("user"):
            try:
                volunteer_approve(volunteer=volunteer, by=request.user)  # type: ignore[arg-type]
            except VolunteerError as error:
                self.message_user(request, f"{volunteer}: {error}", messages.WARNING)
            else:
                self.log_change(request, volunteer, gettext("The volunteer is approved."))
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d volunteer approved.", "%(count)d volunteers approved.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Reject selected volunteers (with a reason)…"), permissions=["approve"]
    )
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Volunteer]):  # noqa: ANN201
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            reason = form.cleaned_data["reason"]
            for volunteer in queryset.select_related("user"):
                try:
                    volunteer_reject(
                        volunteer=volunteer,
                        by=request.user,  # type: ignore[arg-type]
                        reason=reason,
                    )
                except VolunteerError as error:
                    self.message_user(request, f"{volunteer}: {error}", messages.WARNING)
                else:
                    self.log_change(
                        request,
                        volunteer,
                        gettext("The volunteer is not approved: %(reason)s") % {"reason": reason},
                    )
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d volunteer rejected.", "%(count)d volunteers rejected.", done
                    )
                    % {"count": done},
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

    @admin.action(description=_("Pause selected volunteers"), permissions=["approve"])
    def pause_selected(self, request: HttpRequest, queryset: QuerySet[Volunteer]) -> None:
        done = 0
        for volunteer in queryset.select_related("user"):
            try:
                volunteer_pause(volunteer=volunteer, by=request.user)  # type: ignore[arg-type]
            except VolunteerError as error:
                self.message_user(request, f"{volunteer}: {error}", messages.WARNING)
            else:
                self.log_change(
                    request,
                    volunteer,
                    gettext("The volunteer is paused: they see and take no tasks until resumed."),
                )
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d volunteer paused.", "%(count)d volunteers paused.", done)
                % {"count": done},
                messages.SUCCESS,
            )
