"""The language switcher (kept for signed-in people), the admin sign-in, the privacy notice, the
health check."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_path
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .services import user_set_language


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    # Django translates `next` by resolving it in the active language, which here comes from the
    # browser's Accept-Language: resolve it in the language of the page it came from instead.
    next_language = get_language_from_path(request.POST.get("next", ""))
    with translation.override(next_language or translation.get_language()):
        response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)  # type: ignore[arg-type]
    return response


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Django admin's own login page, replaced: staff sign in on our login page, with allauth's
    rate limits and the second factor, and come back to the admin page they asked for."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return HttpResponseRedirect(next_url)
        # Not staff: the admin is not a page they can open (the same answer as for any other).
        raise Http404
    login_url = reverse("account_login")
    return HttpResponseRedirect(f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """Who holds a person's data, what for, who sees it and when, for how long, and how to get
    a copy or have it deleted."""
    try:
        my_data_url = reverse("accounts:my_data")
    except NoReverseMatch:  # the "My data" page is not there on every version of the site
        my_data_url = ""
    context = {
        "operator_name": settings.PRIVACY_OPERATOR_NAME,
        "operator_address": settings.PRIVACY_OPERATOR_ADDRESS,
        "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        "version": settings.PRIVACY_NOTICE_VERSION,
        "retention_days": getattr(settings, "RETENTION_DAYS", 365),
        "my_data_url": my_data_url,
    }
    return TemplateResponse(request, "accounts/privacy.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and compose: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
