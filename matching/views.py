"""Volunteer and resident pages: the task board, my matches, a match, feedback and the OFP pair."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from requests_app.models import HelpRequest
from requests_app.selectors import attachments_for_user
from volunteers.models import Volunteer
from volunteers.selectors import volunteer_for_user

from .forms import (
    AcceptForm,
    CheckInForm,
    DeclineForm,
    EndEarlyForm,
    FeedbackForm,
    ResidentPhoneForm,
    WithdrawForm,
)
from .models import Match, MatchStatus, OFPPair, Role
from .selectors import (
    board_for_volunteer,
    get_board_task,
    get_match_for_user,
    get_pair_for_user,
    matches_for_user,
    open_task_count,
)
from .services import (
    MatchError,
    OFPError,
    TaskTakenError,
    both_want_to_continue,
    match_accept,
    match_accept_proposal,
    match_confirm_completion,
    match_reconfirm,
    match_set_resident_phone,
    match_withdraw,
    ofp_checkin_answer,
    ofp_consent,
    ofp_end_early,
    ofp_request,
    task_decline,
)

# --- the task board ----------------------------------------------------------------------------


def _board_blocker(volunteer: Volunteer, open_tasks: int) -> str:
    """Why this volunteer sees no tasks at all, or "" if they can take tasks."""
    if volunteer.status == "applied":
        return _("Our staff are checking your application. You will see tasks once approved.")
    if volunteer.status == "rejected":
        return _("Your application was not approved, so you cannot take tasks.")
    if volunteer.is_paused:
        return _("You are paused. Resume on your volunteer profile to see tasks.")
    if open_tasks >= volunteer.capacity:
        return _("You already have as many tasks as you said you can take. Thank you!")
    return ""


@login_required
def board(request: HttpRequest) -> HttpResponse:
    volunteer = volunteer_for_user(request.user)  # type: ignore[arg-type]
    if volunteer is None:
        return redirect("volunteers:register")
    open_tasks = open_task_count(volunteer)
    return TemplateResponse(
        request,
        "matching/board.html",
        {
            "volunteer": volunteer,
            "tasks": board_for_volunteer(volunteer, open_tasks=open_tasks),
            "blocker": _board_blocker(volunteer, open_tasks),
        },
    )


def _task_page(
    request: HttpRequest,
    task: HelpRequest,
    *,
    accept_form: AcceptForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "matching/task.html",
        {
            "task": task,
            "accept_form": accept_form or AcceptForm(),
            "decline_form": decline_form or DeclineForm(),
        },
        status=status,
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = volunteer_for_user(request.user)  # type: ignore[arg-type]
    if volunteer is None:
        raise Http404
    return _task_page(request, get_board_task(volunteer, pk))


@login_required
@require_POST
def task_accept(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = volunteer_for_user(request.user)  # type: ignore[arg-type]
    if volunteer is None:
        raise Http404
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _task_page(request, get_board_task(volunteer, pk), accept_form=form, status=400)
    help_request = get_object_or_404(HelpRequest, pk=pk)
    try:
        match = match_accept(
            help_request=help_request,
            volunteer=volunteer,
            agreed_time=form.cleaned_data["agreed_time"],
            note=form.cleaned_data["note"],
        )
    except TaskTakenError:
        return TemplateResponse(request, "matching/task_taken.html", status=409)
    except MatchError as error:
        messages.error(request, str(error))
        return redirect("matching:board")
    messages.success(
        request, _("Thank you! Our staff will check and approve the match, usually within a day.")
    )
    return redirect(match)


@login_required
@require_POST
def task_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = volunteer_for_user(request.user)  # type: ignore[arg-type]
    if volunteer is None:
        raise Http404
    task = get_board_task(volunteer, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _task_page(request, task, decline_form=form, status=400)
    task_decline(help_request=task, volunteer=volunteer, reason=form.cleaned_data["reason"])
    messages.success(request, _("Got it. You will not see this task again."))
    return redirect("matching:board")


# --- matches -----------------------------------------------------------------------------------


@login_required
def my_matches(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "matching/match_list.html",
        {"matches": matches_for_user(request.user)},  # type: ignore[arg-type]
    )


def _match_context(request: HttpRequest, match: Match, **extra: object) -> dict[str, object]:
    role = match.role_of(request.user)
    answers = {feedback.role: feedback for feedback in match.feedback.all()}
    pair = OFPPair.objects.filter(match=match).first()
    return {
        "match": match,
        "task": match.request,
        "role": role,
        "is_resident": role == Role.RESIDENT,
        "is_volunteer": role == Role.VOLUNTEER,
        "my_feedback": answers.get(role),
        "can_give_feedback": match.status == MatchStatus.APPROVED and role not in answers,
        "pair": pair,
        "can_ask_for_ofp": role == Role.RESIDENT
        and pair is None
        and match.status == MatchStatus.COMPLETED
        and both_want_to_continue(match),
        "phone_form": ResidentPhoneForm(initial={"phone": match.resident_phone}),
        # The one rule of requests_app: the volunteer only while the match is approved.
        "attachments": attachments_for_user(request.user, match.request),  # type: ignore[arg-type]
        **extra,
    }


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_match_for_user(request.user, pk)  # type: ignore[arg-type]
    return TemplateResponse(request, "matching/match_detail.html", _match_context(request, match))


@login_required
@require_POST
def match_accept_proposal_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_match_for_user(request.user, pk)  # type: ignore[arg-type]
    try:
        match_accept_proposal(match=match, by=request.user)  # type: ignore[arg-type]
    except MatchError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you! Our staff will now approve the match."))
    return redirect(match)


@login_required
@require_POST
def match_reconfirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The volunteer still says yes after the resident changed the request."""
    match = get_match_for_user(request.user, pk)  # type: ignore[arg-type]
    if match.role_of(request.user) != Role.VOLUNTEER:
        raise Http404
    try:
        match_reconfirm(match=match, by=request.user)  # type: ignore[arg-type]
    except MatchError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you! Our staff will now approve the match."))
    return redirect(match)


@login_required
@require_http_methods(["GET", "POST"])
def match_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_match_for_user(request.user, pk)  # type: ignore[arg-type]
    if match.role_of(request.user) != Role.VOLUNTEER:
        raise Http404
    if not match.is_active:
        messages.error(request, _("You cannot withdraw from this match any more."))
        return redirect(match)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            match_withdraw(match=match, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except MatchError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("You have withdrawn. We will look for another volunteer."))
        return redirect("matching:mine")
    return TemplateResponse(request, "matching/match_withdraw.html", {"match": match, "form": form})


@login_required
@require_POST
def match_phone(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_match_for_user(request.user, pk)  # type: ignore[arg-type]
    if match.role_of(request.user) != Role.RESIDENT:
        raise Http404
    form = ResidentPhoneForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "matching/match_detail.html",
            _match_context(request, match, phone_form=form),
            status=400,
        )
    try:
        match_set_resident_phone(match=match, by=request.user, phone=form.cleaned_data["phone"])  # type: ignore[arg-type]
    except MatchError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your changes are saved."))
    return redirect(match)


@login_required
@require_http_methods(["GET", "POST"])
def match_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_match_for_user(request.user, pk)  # type: ignore[arg-type]
    context = _match_context(request, match)
    if not context["can_give_feedback"]:
        messages.error(request, _("There is nothing to answer for this match now."))
        return redirect(match)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            match_confirm_completion(match=match, by=request.user, data=form.to_data())  # type: ignore[arg-type]
        except MatchError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you for telling us."))
            return redirect(match)
    return TemplateResponse(
        request,
        "matching/match_feedback.html",
        {**context, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def match_ofp_request(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_match_for_user(request.user, pk)  # type: ignore[arg-type]
    try:
        ofp_request(match=match, by=request.user)  # type: ignore[arg-type]
    except OFPError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("We received your wish. Our staff will contact you both about it.")
        )
    return redirect(match)


# --- OFP pairs ---------------------------------------------------------------------------------


def _pair_context(request: HttpRequest, pair: OFPPair, **extra: object) -> dict[str, object]:
    role = pair.match.role_of(request.user)
    checkins = list(pair.checkins.prefetch_related("answers"))
    answered = {
        checkin.pk
        for checkin in checkins
        for answer in checkin.answers.all()
        if answer.role == role
    }
    return {
        "pair": pair,
        "match": pair.match,
        "role": role,
        "is_resident": role == Role.RESIDENT,
        "my_consent": pair.consent_of(role) if role else False,
        "checkins": checkins,
        "answered": answered,
        **extra,
    }


@login_required
def ofp_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_pair_for_user(request.user, pk)  # type: ignore[arg-type]
    return TemplateResponse(request, "matching/ofp_detail.html", _pair_context(request, pair))


@login_required
@require_POST
def ofp_consent_view(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_pair_for_user(request.user, pk)  # type: ignore[arg-type]
    try:
        ofp_consent(pair=pair, by=request.user)  # type: ignore[arg-type]
    except OFPError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you. Your agreement is recorded."))
    return redirect(pair)


@login_required
@require_http_methods(["GET", "POST"])
def ofp_checkin_view(request: HttpRequest, pk: int, checkin_pk: int) -> HttpResponse:
    pair = get_pair_for_user(request.user, pk)  # type: ignore[arg-type]
    checkin = get_object_or_404(pair.checkins, pk=checkin_pk)
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ofp_checkin_answer(
                checkin=checkin,
                by=request.user,  # type: ignore[arg-type]
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except OFPError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you for telling us."))
            return redirect(pair)
    return TemplateResponse(
        request,
        "matching/ofp_checkin.html",
        {"pair": pair, "checkin": checkin, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ofp_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_pair_for_user(request.user, pk)  # type: ignore[arg-type]
    form = EndEarlyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ofp_end_early(pair=pair, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except OFPError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The pair has ended. Thank you for your time together."))
            return redirect(pair)
    return TemplateResponse(
        request,
        "matching/ofp_end.html",
        {"pair": pair, "form": form},
        status=400 if form.errors else 200,
    )
