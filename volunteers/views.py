"""Volunteer pages: become a volunteer, my volunteer profile, edit, pause and resume."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .forms import VolunteerForm
from .selectors import volunteer_for_user
from .services import (
    VolunteerError,
    volunteer_pause,
    volunteer_register,
    volunteer_resume,
    volunteer_update,
)


@login_required
def volunteer_profile(request: HttpRequest) -> HttpResponse:
    volunteer = volunteer_for_user(request.user)  # type: ignore[arg-type]
    if volunteer is None:
        return redirect("volunteers:register")
    return TemplateResponse(
        request,
        "volunteers/profile.html",
        {"volunteer": volunteer, "history": volunteer.status_changes.all()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_register_view(request: HttpRequest) -> HttpResponse:
    if volunteer_for_user(request.user) is not None:  # type: ignore[arg-type]
        return redirect("volunteers:profile")
    form = VolunteerForm(
        request.POST if request.method == "POST" else None,
        initial={
            "display_name": request.user.display_name,  # type: ignore[union-attr]
            "contact_email": request.user.email,  # type: ignore[union-attr]
            "languages": [request.user.preferred_language],  # type: ignore[union-attr]
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_register(user=request.user, data=form.to_data())  # type: ignore[arg-type]
        except VolunteerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Thank you for applying. Our staff will check your application.")
            )
            return redirect("volunteers:profile")
    return TemplateResponse(request, "volunteers/volunteer_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: HttpRequest) -> HttpResponse:
    volunteer = volunteer_for_user(request.user)  # type: ignore[arg-type]
    if volunteer is None:
        return redirect("volunteers:register")
    form = VolunteerForm(request.POST if request.method == "POST" else None, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_update(volunteer=volunteer, by=request.user, data=form.to_data())  # type: ignore[arg-type]
        except VolunteerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("volunteers:profile")
    return TemplateResponse(
        request, "volunteers/volunteer_form.html", {"form": form, "volunteer": volunteer}
    )


def _pause_or_resume(request: HttpRequest, *, pause: bool) -> HttpResponse:
    volunteer = volunteer_for_user(request.user)  # type: ignore[arg-type]
    if volunteer is None:
        return redirect("volunteers:register")
    service = volunteer_pause if pause else volunteer_resume
    try:
        service(volunteer=volunteer, by=request.user)  # type: ignore[arg-type]
    except VolunteerError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You are paused. You will not see new tasks until you resume.")
            if pause
            else _("Welcome back. You can see new tasks again."),
        )
    return redirect("volunteers:profile")


@login_required
@require_POST
def volunteer_pause_view(request: HttpRequest) -> HttpResponse:
    return _pause_or_resume(request, pause=True)


@login_required
@require_POST
def volunteer_resume_view(request: HttpRequest) -> HttpResponse:
    return _pause_or_resume(request, pause=False)
