"""The language switcher (remembered for signed-in people) and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import translation
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


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and compose: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
