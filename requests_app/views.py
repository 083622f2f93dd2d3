"""Resident pages: new request, my requests, detail, edit and cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .forms import CancelForm, HelpRequestForm
from .selectors import categories_with_topics, get_request_for_user, requests_for_resident
from .services import RequestError, request_cancel, request_create, request_update


def home(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "home.html", {"categories": categories_with_topics()})


def _form_context(form: HelpRequestForm, **extra: object) -> dict[str, object]:
    categories = list(categories_with_topics())
    chosen = str(form["category"].value() or "")
    return {
        "form": form,
        "categories": categories,
        "only_category": next((c for c in categories if str(c.pk) == chosen), None),
        "selected_topics": {str(pk) for pk in form["topics"].value() or []},
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    form = HelpRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            help_request = request_create(resident=request.user, data=form.to_data())  # type: ignore[arg-type]
        except RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. We received your request."))
            return redirect(help_request)
    return TemplateResponse(request, "requests_app/request_form.html", _form_context(form))


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "requests_app/request_list.html",
        {"help_requests": requests_for_resident(request.user)},  # type: ignore[arg-type]
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = get_request_for_user(request.user, pk)  # type: ignore[arg-type]
    return TemplateResponse(
        request,
        "requests_app/request_detail.html",
        {"help_request": help_request, "history": help_request.status_changes.all()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = get_request_for_user(request.user, pk)  # type: ignore[arg-type]
    if not help_request.is_editable:
        messages.error(request, _("This request can no longer be changed."))
        return redirect(help_request)
    form = HelpRequestForm(request.POST or None, instance=help_request)
    if request.method == "POST" and form.is_valid():
        try:
            request_update(help_request=help_request, by=request.user, data=form.to_data())  # type: ignore[arg-type]
        except RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(help_request)
    return TemplateResponse(
        request, "requests_app/request_form.html", _form_context(form, help_request=help_request)
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = get_request_for_user(request.user, pk)  # type: ignore[arg-type]
    if not help_request.is_cancellable:
        messages.error(request, _("This request cannot be cancelled any more."))
        return redirect(help_request)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_cancel(
                help_request=help_request, by=request.user, note=form.cleaned_data["reason"]
            )  # type: ignore[arg-type]
        except RequestError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your request is cancelled."))
        return redirect(help_request)
    return TemplateResponse(
        request, "requests_app/request_cancel.html", {"help_request": help_request, "form": form}
    )


@require_GET
def topics_partial(request: HttpRequest) -> HttpResponse:
    """The topic checkboxes and hints of one category (htmx swaps them in when a category is picked)."""
    form = HelpRequestForm(request.GET or None)
    try:
        # The form's own field parses the id: a malformed or unknown one is no category.
        category = form.fields["category"].clean(request.GET.get("category"))
    except ValidationError:
        category = None
    selected = {str(pk) for pk in request.GET.getlist("topics")}
    return TemplateResponse(
        request,
        "requests_app/_topics.html",
        {
            "form": form,
            "categories": categories_with_topics(),
            "only_category": category,
            "selected_topics": selected,
        },
    )
