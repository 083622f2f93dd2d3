"""Resident pages: new request, my requests, detail, edit and cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accesslog.models import AccessView
from accesslog.services import record_access
from accounts.services import consent_needed, consent_record

from .forms import AttachmentForm, CancelForm, HelpRequestForm
from .models import Attachment
from .selectors import (
    attachment_for_user,
    categories_with_topics,
    get_request_for_user,
    requests_for_resident,
)
from .services import (
    RequestError,
    attachments_change,
    request_cancel,
    request_create,
    request_update,
)


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
    form = HelpRequestForm(request.POST or None, consents_needed=consent_needed(request.user))  # type: ignore[arg-type]
    files_form = AttachmentForm(request.POST or None, request.FILES or None)
    # Both forms are checked (not short-circuited), so every error shows at once.
    if request.method == "POST" and all([form.is_valid(), files_form.is_valid()]):
        consent_record(user=request.user, kinds=form.consents_given())  # type: ignore[arg-type]
        try:
            with transaction.atomic():
                help_request = request_create(resident=request.user, data=form.to_data())  # type: ignore[arg-type]
                attachments_change(
                    help_request=help_request,
                    by=request.user,  # type: ignore[arg-type]
                    add=files_form.new_files,
                )
        except RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. We received your request."))
            return redirect(help_request)
    return TemplateResponse(
        request, "requests_app/request_form.html", _form_context(form, files_form=files_form)
    )


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
        {
            "help_request": help_request,
            "history": help_request.status_changes.all(),
            "attachments": help_request.attachments.all(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = get_request_for_user(request.user, pk)  # type: ignore[arg-type]
    if not help_request.is_editable:
        messages.error(request, _("This request can no longer be changed."))
        return redirect(help_request)
    form = HelpRequestForm(
        request.POST or None,
        instance=help_request,
        consents_needed=consent_needed(request.user),  # type: ignore[arg-type]
    )
    files_form = AttachmentForm(
        request.POST or None, request.FILES or None, help_request=help_request
    )
    if request.method == "POST" and all([form.is_valid(), files_form.is_valid()]):
        consent_record(user=request.user, kinds=form.consents_given())  # type: ignore[arg-type]
        try:
            with transaction.atomic():
                request_update(help_request=help_request, by=request.user, data=form.to_data())  # type: ignore[arg-type]
                attachments_change(
                    help_request=help_request,
                    by=request.user,  # type: ignore[arg-type]
                    add=files_form.new_files,
                    remove=files_form.removed_ids,
                )
        except RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(help_request)
    return TemplateResponse(
        request,
        "requests_app/request_form.html",
        _form_context(form, help_request=help_request, files_form=files_form),
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


def _attachment_response(request: HttpRequest, pk: str, *, preview: bool) -> FileResponse:
    attachment = attachment_for_user(request.user, pk)  # type: ignore[arg-type]
    if preview and not attachment.preview:
        raise Http404
    # Hook of the staff access log (issue 13): one row per file a staff member opens.
    record_access(
        user=request.user,
        obj=attachment,
        what=AccessView.PREVIEW if preview else AccessView.ATTACHMENT,
    )
    return attachment_response(attachment, preview=preview)


def attachment_response(attachment: Attachment, *, preview: bool = False) -> FileResponse:
    """The file, streamed from the private storage. A PDF is always a download (never shown by
    the browser); a photo, re-encoded by us as a plain JPEG, is shown inline."""
    stored = attachment.preview if preview else attachment.file
    response = FileResponse(
        stored.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.download_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_GET
def attachment_file(request: HttpRequest, pk: str) -> FileResponse:
    """A letter photo (full size) or PDF, checked on every request; 404 for anybody else."""
    return _attachment_response(request, pk, preview=False)


@login_required
@require_GET
def attachment_preview(request: HttpRequest, pk: str) -> FileResponse:
    """The phone-sized preview of a letter photo, with the same checks."""
    return _attachment_response(request, pk, preview=True)
