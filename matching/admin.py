"""Staff tools for matches, feedback and OFP pairs. Every change goes through the services and
is recorded twice: a MatchEvent/OFPEvent (the audit trail) and a LogEntry (the admin history)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accesslog.admin import AccessLoggedAdmin
from accounts.models import User
from otonari.query import query_pk
from otonari.work_queue import WorkQueueFilter
from requests_app.models import HelpRequest, RequestStatus
from volunteers.admin import action_form_page
from volunteers.models import Volunteer

from . import ranking
from .contacts import STAFF, contacts_for
from .forms import AgreedTimeForm, ApproveForm, ConvertForm, ProposeForm, ReasonForm
from .models import (
    ACTIVE_STATUSES,
    Decline,
    Feedback,
    Match,
    MatchEvent,
    MatchStatus,
    OFPCheckIn,
    OFPCheckInAnswer,
    OFPEvent,
    OFPPair,
    OFPStatus,
    Role,
)
from .ranking_services import RANKED_STATUSES, ranking_state
from .selectors import CandidateRow, candidates_for_request
from .services import (
    AgreedTimeError,
    MatchError,
    OFPError,
    feedback_mark_reviewed,
    match_approve,
    match_propose,
    match_reject,
    match_set_agreed_time,
    ofp_complete,
    ofp_convert,
    ofp_decline,
    ofp_end_early,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


class MatchEventInline(ReadOnlyInline):
    model = MatchEvent
    fields = ("at", "from_status", "to_status", "by", "note")
    readonly_fields = fields


class FeedbackInline(ReadOnlyInline):
    model = Feedback
    fields = ("role", "happened", "helpful", "unsafe_marker", "wants_to_continue", "comment")
    readonly_fields = fields

    @admin.display(description=_("unsafe"))
    def unsafe_marker(self, obj: Feedback) -> str:
        return unsafe_marker(obj.unsafe)


def unsafe_marker(unsafe: bool) -> SafeString | str:
    if not unsafe:
        return "—"
    return format_html('<strong class="unsafe-flag">⚠ {}</strong>', _("UNSAFE"))


class MatchInline(ReadOnlyInline):
    """On the help request's page: every match of it, with a link to decide on it."""

    model = Match
    fields = ("link", "volunteer", "status", "agreed_time", "created_at")
    readonly_fields = fields
    ordering = ("-created_at",)

    @admin.display(description=_("match"))
    def link(self, obj: Match) -> str:
        url = reverse("admin:matching_match_change", args=[obj.pk])
        return format_html('<a href="{}">#{}</a>', url, obj.pk)


# Why a ranked volunteer cannot be proposed today, as staff read it (ranking.failed_filters).
STAFF_FILTER_LABELS = {
    ranking.FILTER_CATEGORY: _("does not offer this kind of help"),
    ranking.FILTER_LANGUAGE: _("no shared language"),
    ranking.FILTER_MODE: _("does not help this way (in person, phone, online)"),
    ranking.FILTER_PREFECTURE: _("lives in another prefecture"),
    ranking.FILTER_AVAILABILITY: _("not available at these times"),
    ranking.FILTER_APPROVED: _("not approved"),
    ranking.FILTER_PAUSED: _("paused"),
    ranking.FILTER_CAPACITY: _("has as many tasks as they can take"),
}


@dataclass(frozen=True)
class PanelRow:
    """One stored candidate on the request's page, with what staff can do about them."""

    candidate: CandidateRow
    match: Match | None  # their latest match for this request (the current one, or an earlier)
    obstacles: list[str]  # translated: why they cannot be proposed today
    can_propose: bool


def request_matching_panel(help_request: HelpRequest, *, user: User) -> SafeString:
    """The request's matching on its admin page: where its ranking stands, the stored candidates
    with reasons (in every state with a match, or while the request is open), and the current
    match's state with links to its actions (the MatchAdmin views).

    It only reads what the ranking worker stored: the web process never ranks or encodes. A fixed
    number of queries, however many candidates.
    """
    if help_request.pk is None:
        return SafeString("")
    matches = list(
        Match.objects.select_related("volunteer__user")
        .filter(request=help_request)
        .order_by("-created_at", "-id")
    )
    active = next((match for match in matches if match.status in ACTIVE_STATUSES), None)
    latest = {}
    for match in reversed(matches):  # oldest first, so the newest of each volunteer wins
        latest[match.volunteer_id] = match
    shows_candidates = help_request.status in RANKED_STATUSES or bool(matches)
    can_decide = user.has_perm("matching.approve_match")
    proposable = can_decide and help_request.status == RequestStatus.MATCHING and active is None
    rows = []
    for candidate in candidates_for_request(help_request) if shows_candidates else []:
        obstacles = (
            []
            if candidate.holds_match
            else [str(STAFF_FILTER_LABELS[code]) for code in candidate.failed]
        )
        if candidate.declined:
            obstacles.append(str(_("said this request is not for them")))
        rows.append(
            PanelRow(
                candidate=candidate,
                match=latest.get(candidate.volunteer.pk),
                obstacles=obstacles,
                can_propose=proposable and candidate.fits,
            )
        )
    state = ranking_state(help_request)
    return render_to_string(
        "admin/matching/_request_panel.html",
        {
            "help_request": help_request,
            "current": active or (matches[0] if matches else None),
            "active": active,
            "rows": rows,
            "shows_candidates": shows_candidates,
            "ranking": state,
            "ranked_at": rows[0].candidate.ranked_at if rows else state.ranked_at,
            "can_decide": can_decide,
            "can_rank_again": state.stuck and user.has_perm("requests_app.change_helprequest"),
        },
    )


class UnsafeFeedbackFilter(admin.SimpleListFilter):
    title = _("safety")
    parameter_name = "unsafe"

    def lookups(self, request, model_admin):  # noqa: ANN001, ANN201
        return [
            ("yes", _("Someone flagged it unsafe")),
            ("no_show", _("Someone said it did not happen")),
        ]

    def queryset(self, request, queryset):  # noqa: ANN001, ANN201
        if self.value() == "yes":
            unsafe = Feedback.objects.filter(match=OuterRef("pk"), unsafe=True)
            return queryset.filter(Exists(unsafe))
        if self.value() == "no_show":
            no_show = Feedback.objects.filter(match=OuterRef("pk"), happened=False)
            return queryset.filter(Exists(no_show))
        return queryset


@admin.register(Match)
class MatchAdmin(AccessLoggedAdmin):
    list_display = (
        "id",
        "request_link",
        "volunteer",
        "status",
        "agreed_time",
        "decision",
        "flag",
        "created_at",
    )
    list_filter = ("status", WorkQueueFilter, UnsafeFeedbackFilter, "created_at")
    search_fields = ("request__title", "volunteer__user__email", "volunteer__user__display_name")
    list_select_related = ("request", "volunteer__user")
    readonly_fields = (
        "request",
        "volunteer",
        "status",
        "agreed_time",
        "agreed_minutes",
        "resident_contacts",
        "volunteer_contacts",
        "created_at",
        "updated_at",
        "approved_at",
        "completed_at",
    )
    inlines = [MatchEventInline, FeedbackInline]
    # No bulk approval: each approval needs its own agreed time, agreed with both sides, so the
    # list links every waiting match to its approve page (the “decision” column) instead.
    actions = ["reject_selected", "convert_to_ofp"]
    change_form_template = "admin/matching/match/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Match]:
        unsafe = Feedback.objects.filter(match=OuterRef("pk"), unsafe=True)
        return super().get_queryset(request).annotate(has_unsafe=Exists(unsafe))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # matches are made by accepting or proposing, never by hand

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("matching.approve_match")

    @admin.display(description=_("request"), ordering="request")
    def request_link(self, obj: Match) -> str:
        url = reverse("admin:requests_app_helprequest_change", args=[obj.request_id])
        return format_html('<a href="{}">{}</a>', url, obj.request)

    # Contact details shown to staff come from the one rule in matching.contacts.
    @admin.display(description=_("resident's contacts"))
    def resident_contacts(self, obj: Match) -> str:
        return ", ".join(str(line) for line in contacts_for(obj, Role.RESIDENT, viewer=STAFF))

    @admin.display(description=_("volunteer's contacts"))
    def volunteer_contacts(self, obj: Match) -> str:
        return ", ".join(str(line) for line in contacts_for(obj, Role.VOLUNTEER, viewer=STAFF))

    @admin.display(description=_("safety"))
    def flag(self, obj: Match) -> SafeString | str:
        return unsafe_marker(getattr(obj, "has_unsafe", False))

    @admin.display(description=_("decision"))
    def decision(self, obj: Match) -> SafeString | str:
        if obj.status != MatchStatus.ACCEPTED:
            return "—"
        url = reverse("admin:matching_match_approve", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Approve…"))

    # --- buttons on the change page ---------------------------------------------------------

    def get_urls(self):  # noqa: ANN201
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/approve/", wrap(self.approve_view), name="matching_match_approve"),
            path("<int:pk>/time/", wrap(self.agreed_time_view), name="matching_match_time"),
            path("<int:pk>/reject/", wrap(self.reject_view), name="matching_match_reject"),
            path(
                "propose/<int:request_pk>/", wrap(self.propose_view), name="matching_match_propose"
            ),
            *super().get_urls(),
        ]

    def _change_url(self, match: Match) -> str:
        return reverse("admin:matching_match_change", args=[match.pk])

    def approve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._agreed_time_page(
            request,
            pk,
            form_class=ApproveForm,
            apply=lambda match, data: match_approve(
                match=match,
                by=request.user,  # type: ignore[arg-type]
                agreed_time=data["agreed_time"],
                agreed_minutes=data["agreed_minutes"],
                note=data["note"],
            ),
            logged=gettext("The match is approved."),
            done=_("The match is approved."),
            title=_("Approve match"),
            submit_label=_("Approve"),
        )

    def agreed_time_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Move the agreed time of an approved match; both sides are told."""
        return self._agreed_time_page(
            request,
            pk,
            form_class=AgreedTimeForm,
            apply=lambda match, data: match_set_agreed_time(
                match=match,
                by=request.user,  # type: ignore[arg-type]
                agreed_time=data["agreed_time"],
                agreed_minutes=data["agreed_minutes"],
            ),
            logged=gettext("The agreed time was changed."),
            done=_("The agreed time is changed; both sides are told."),
            title=_("Change the agreed time"),
            submit_label=_("Save and tell both sides"),
        )

    def _agreed_time_page(
        self,
        request: HttpRequest,
        pk: int,
        *,
        form_class: type[AgreedTimeForm],
        apply: Callable[[Match, dict[str, Any]], object],
        logged: str,
        done: str,
        title: str,
        submit_label: str,
    ) -> HttpResponse:
        """A page that sets a match's agreed time through a service (approving it, or moving
        the time later): the window errors go beside the time field, the others above the form."""
        if not self.has_approve_permission(request):
            raise PermissionDenied
        match = get_object_or_404(Match.objects.select_related("request", "volunteer__user"), pk=pk)
        form = form_class(
            request.POST if request.method == "POST" else None,
            initial={
                "agreed_time": match.agreed_time,
                "agreed_minutes": match.agreed_minutes or 60,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                apply(match, form.cleaned_data)
            except AgreedTimeError as error:
                form.add_error("agreed_time", str(error))
            except MatchError as error:
                form.add_error(None, str(error))
            else:
                self.log_change(request, match, logged)
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(match))
        return action_form_page(
            request,
            title=str(title),
            form=form,
            objects=[match],
            back_url=self._change_url(match),
            submit_label=str(submit_label),
        )

    def reject_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_approve_permission(request):
            raise PermissionDenied
        match = get_object_or_404(Match.objects.select_related("request", "volunteer__user"), pk=pk)
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                match_reject(match=match, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
            except MatchError as error:
                form.add_error(None, str(error))
            else:
                self.log_change(
                    request,
                    match,
                    gettext("Rejected: %(reason)s") % {"reason": form.cleaned_data["reason"]},
                )
                self.message_user(request, _("The match is rejected."), messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(match))
        return action_form_page(
            request,
            title=str(_("Reject match")),
            form=form,
            objects=[match],
            back_url=self._change_url(match),
            submit_label=str(_("Reject")),
        )

    def propose_view(self, request: HttpRequest, request_pk: int) -> HttpResponse:
        if not self.has_approve_permission(request):
            raise PermissionDenied
        help_request = get_object_or_404(HelpRequest, pk=request_pk)
        volunteer = get_object_or_404(
            Volunteer.objects.select_related("user"), pk=query_pk(request.GET.get("volunteer"))
        )
        back = reverse("admin:requests_app_helprequest_change", args=[help_request.pk])
        form = ProposeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                match = match_propose(
                    help_request=help_request,
                    volunteer=volunteer,
                    by=request.user,  # type: ignore[arg-type]
                    note=form.cleaned_data["note"],
                )
            except MatchError as error:
                form.add_error(None, str(error))
            else:
                self.log_addition(request, match, f"Proposed to volunteer #{volunteer.pk}")
                self.message_user(
                    request,
                    _("Proposed to %(name)s.") % {"name": volunteer.display_name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(back)
        return action_form_page(
            request,
            title=str(_("Propose the request to this volunteer")),
            form=form,
            objects=[help_request, volunteer],
            back_url=back,
            submit_label=str(_("Propose")),
        )

    # --- changelist actions -----------------------------------------------------------------

    @admin.action(
        description=_("Reject selected matches (with a reason)…"), permissions=["approve"]
    )
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Match]):  # noqa: ANN201
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for match in queryset.select_related("request", "volunteer__user"):
                try:
                    match_reject(match=match, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
                except MatchError as error:
                    self.message_user(request, f"#{match.pk}: {error}", messages.WARNING)
                else:
                    self.log_change(
                        request,
                        match,
                        gettext("Rejected: %(reason)s") % {"reason": form.cleaned_data["reason"]},
                    )
                    done += 1
            if done:
                self.message_user(
                    request, _("%(count)d match(es) rejected.") % {"count": done}, messages.SUCCESS
                )
            return None
        return action_form_page(
            request,
            title=str(_("Reject matches")),
            form=form,
            objects=list(queryset.select_related("request", "volunteer__user")),
            back_url=request.get_full_path(),
            submit_label=str(_("Reject")),
            action="reject_selected",
        )

    @admin.action(description=_("Convert to a six-month OFP pair…"), permissions=["approve"])
    def convert_to_ofp(self, request: HttpRequest, queryset: QuerySet[Match]):  # noqa: ANN201
        form = ConvertForm(
            request.POST if "apply" in request.POST else None,
            initial={"start_date": timezone.localdate()},
        )
        if form.is_bound and form.is_valid():
            for match in queryset.select_related("request", "volunteer__user"):
                try:
                    pair = ofp_convert(
                        match=match,
                        by=request.user,  # type: ignore[arg-type]
                        start_date=form.cleaned_data["start_date"],
                        rhythm=form.cleaned_data["rhythm"],
                    )
                except OFPError as error:
                    self.message_user(request, f"#{match.pk}: {error}", messages.WARNING)
                else:
                    self.log_change(
                        request,
                        match,
                        gettext("Converted to OFP pair #%(pk)s") % {"pk": pair.pk},
                    )
                    self.message_user(
                        request,
                        _("Match #%(id)s now waits for both people to agree to the pair.")
                        % {"id": match.pk},
                        messages.SUCCESS,
                    )
            return None
        return action_form_page(
            request,
            title=str(_("Convert to a six-month OFP pair")),
            form=form,
            objects=list(queryset.select_related("request", "volunteer__user")),
            back_url=request.get_full_path(),
            submit_label=str(_("Convert")),
            action="convert_to_ofp",
        )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("What you checked or did"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what you checked or did.")},
    )


class ReviewedFilter(admin.SimpleListFilter):
    title = _("reviewed by staff")
    parameter_name = "reviewed"

    def lookups(self, request, model_admin):  # noqa: ANN001, ANN201
        return [("yes", _("Reviewed")), ("no", _("Not reviewed"))]

    def queryset(self, request, queryset):  # noqa: ANN001, ANN201
        if self.value() in ("yes", "no"):
            return queryset.filter(reviewed_at__isnull=self.value() == "no")
        return queryset


@admin.register(Feedback)
class FeedbackAdmin(AccessLoggedAdmin):
    list_display = (
        "match",
        "role",
        "happened",
        "helpful",
        "unsafe_flag",
        "wants_to_continue",
        "created_at",
        "reviewed_at",
    )
    list_filter = (
        WorkQueueFilter,
        "unsafe",
        ReviewedFilter,
        "happened",
        "wants_to_continue",
        "role",
        "created_at",
    )
    list_select_related = ("match__request", "match__volunteer__user")
    readonly_fields = (
        "match",
        "role",
        "author",
        "happened",
        "helpful",
        "comment",
        "unsafe",
        "wants_to_continue",
        "created_at",
        "reviewed_at",
        "reviewed_by",
        "review_note",
    )
    actions = ["mark_reviewed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("unsafe"), ordering="unsafe")
    def unsafe_flag(self, obj: Feedback) -> SafeString | str:
        return unsafe_marker(obj.unsafe)

    @admin.action(description=_("Mark the unsafe flags as reviewed (with a note)…"))
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[Feedback]):  # noqa: ANN201
        form = ReviewForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for feedback in queryset:
                try:
                    feedback_mark_reviewed(
                        feedback=feedback,
                        by=request.user,  # type: ignore[arg-type]
                        note=form.cleaned_data["note"],
                    )
                except MatchError as error:
                    self.message_user(request, f"#{feedback.pk}: {error}", messages.WARNING)
                else:
                    self.log_change(request, feedback, str(_("Reviewed the unsafe flag")))
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d unsafe flag marked as reviewed.",
                        "%(count)d unsafe flags marked as reviewed.",
                        done,
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        return action_form_page(
            request,
            title=str(_("Review unsafe flags")),
            form=form,
            objects=list(queryset.select_related("match__request", "match__volunteer__user")),
            back_url=request.get_full_path(),
            submit_label=str(_("Mark as reviewed")),
            action="mark_reviewed",
        )


@admin.register(Decline)
class DeclineAdmin(AccessLoggedAdmin):
    list_display = ("request", "volunteer", "reason", "created_at")
    list_select_related = ("request", "volunteer__user")
    search_fields = ("request__title", "volunteer__user__email", "reason")
    readonly_fields = ("request", "volunteer", "reason", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class OFPEventInline(ReadOnlyInline):
    model = OFPEvent
    fields = ("at", "from_status", "to_status", "by", "note")
    readonly_fields = fields


class OFPCheckInInline(ReadOnlyInline):
    model = OFPCheckIn
    fields = ("number", "due_date", "is_closing", "answers_summary")
    readonly_fields = fields

    @admin.display(description=_("answers"))
    def answers_summary(self, obj: OFPCheckIn) -> str:
        return (
            "; ".join(
                f"{answer.get_role_display()}: {answer.rating}/5 {answer.comment[:80]}"
                for answer in obj.answers.all()
            )
            or "—"
        )


@admin.register(OFPPair)
class OFPPairAdmin(AccessLoggedAdmin):
    list_display = ("id", "match", "status", "start_date", "end_date", "both_agreed")
    list_filter = ("status", WorkQueueFilter, "start_date")
    list_select_related = ("match__request", "match__volunteer__user")
    readonly_fields = (
        "match",
        "status",
        "start_date",
        "end_date",
        "resident_consent_at",
        "volunteer_consent_at",
        "end_reason",
        "created_at",
        "updated_at",
    )
    inlines = [OFPCheckInInline, OFPEventInline]
    actions = ["approve_request", "decline_request", "end_early", "mark_completed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # pairs come from a match: use the match list's “Convert” action

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("matching.approve_match")

    @admin.display(description=_("both agreed"), boolean=True)
    def both_agreed(self, obj: OFPPair) -> bool:
        return bool(obj.resident_consent_at and obj.volunteer_consent_at)

    def _each(self, request: HttpRequest, queryset: QuerySet[OFPPair], service, message: str):  # noqa: ANN001, ANN202
        for pair in queryset.select_related("match__request", "match__volunteer"):
            try:
                service(pair)
            except (OFPError, MatchError) as error:
                self.message_user(request, f"#{pair.pk}: {error}", messages.WARNING)
            else:
                self.log_change(request, pair, message)

    @admin.action(
        description=_("Approve the resident's wish (choose a start date)…"), permissions=["approve"]
    )
    def approve_request(self, request: HttpRequest, queryset: QuerySet[OFPPair]):  # noqa: ANN201
        form = ConvertForm(
            request.POST if "apply" in request.POST else None,
            initial={"start_date": timezone.localdate()},
        )
        if form.is_bound and form.is_valid():
            self._each(
                request,
                queryset.filter(status=OFPStatus.REQUESTED),
                lambda pair: ofp_convert(
                    match=pair.match,
                    by=request.user,  # type: ignore[arg-type]
                    start_date=form.cleaned_data["start_date"],
                    rhythm=form.cleaned_data["rhythm"],
                ),
                gettext("Approved; waiting for both consents"),
            )
            return None
        return action_form_page(
            request,
            title=str(_("Approve OFP pairs")),
            form=form,
            objects=list(queryset.select_related("match__request", "match__volunteer__user")),
            back_url=request.get_full_path(),
            submit_label=str(_("Approve")),
            action="approve_request",
        )

    def _reason_action(self, request, queryset, *, action, title, service):  # noqa: ANN001, ANN202
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                queryset,
                lambda pair: service(pair=pair, by=request.user, reason=reason),
                gettext("%(action)s: %(reason)s") % {"action": title, "reason": reason},
            )
            return None
        return action_form_page(
            request,
            title=str(title),
            form=form,
            objects=list(queryset.select_related("match__request", "match__volunteer__user")),
            back_url=request.get_full_path(),
            submit_label=str(title),
            action=action,
        )

    @admin.action(
        description=_("Turn down the resident's wish (with a reason)…"), permissions=["approve"]
    )
    def decline_request(self, request: HttpRequest, queryset: QuerySet[OFPPair]):  # noqa: ANN201
        return self._reason_action(
            request, queryset, action="decline_request", title=_("Turn down"), service=ofp_decline
        )

    @admin.action(description=_("End early (with a reason)…"), permissions=["approve"])
    def end_early(self, request: HttpRequest, queryset: QuerySet[OFPPair]):  # noqa: ANN201
        return self._reason_action(
            request, queryset, action="end_early", title=_("End early"), service=ofp_end_early
        )

    @admin.action(description=_("Mark as completed"), permissions=["approve"])
    def mark_completed(self, request: HttpRequest, queryset: QuerySet[OFPPair]) -> None:
        self._each(
            request,
            queryset,
            lambda pair: ofp_complete(pair=pair, by=request.user),  # type: ignore[arg-type]
            gettext("Completed"),
        )


@admin.register(OFPCheckInAnswer)
class OFPCheckInAnswerAdmin(AccessLoggedAdmin):
    list_display = ("checkin", "role", "rating", "created_at")
    list_filter = ("rating", "role")
    readonly_fields = ("checkin", "role", "author", "rating", "comment", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
