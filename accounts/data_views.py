"""The "My data" page: download everything about you, or delete your account."""

from __future__ import annotations

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .deletion import CONFIRM_WORD, account_delete
from .models import User
from .my_data import attachments_zip, export_json


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment_count(user: User) -> int:
    from requests_app.models import Attachment

    return Attachment.objects.filter(request__resident=user).count()


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return TemplateResponse(
        request,
        "accounts/my_data.html",
        {"attachment_count": _attachment_count(user)},
    )


@login_required
@require_GET
def my_data_export(request: HttpRequest) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    return _download(
        export_json(request.user),  # type: ignore[arg-type]
        "application/json; charset=utf-8",
        f"otonari-my-data-{stamp}.json",
    )


@login_required
@require_GET
def my_data_attachments(request: HttpRequest) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    return _download(
        attachments_zip(request.user),  # type: ignore[arg-type]
        "application/zip",
        f"otonari-my-files-{stamp}.zip",
    )


class DeleteForm(forms.Form):
    confirm = forms.CharField(label=_("Type the word shown above"), max_length=40)

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"].strip()
        # The word in the page's language, or the English one (easier on some keyboards).
        accepted = {str(CONFIRM_WORD).casefold(), "delete"}
        if typed.casefold() not in accepted:
            raise forms.ValidationError(
                gettext("Please type %(word)s to confirm.") % {"word": CONFIRM_WORD}
            )
        return typed


@login_required
def account_delete_view(request: HttpRequest) -> HttpResponse:
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)  # type: ignore[arg-type]
        logout(request)
        return TemplateResponse(request, "accounts/account_deleted.html")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request,
        "accounts/account_delete.html",
        {"form": form, "confirm_word": CONFIRM_WORD},
        status=status,
    )
