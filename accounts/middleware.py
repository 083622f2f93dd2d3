"""A staff session that has not passed the second factor reaches no page but the account pages.

allauth asks for the app's code at sign-in once a person has one (its login stage); this closes
the rest: staff without an app are sent to set one up (then shown their recovery codes), and a
staff session that never saw a code (an older session, another sign-in path) is asked for one.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .mfa import has_totp, mfa_required, session_passed_mfa

# Where the enrolment should lead once done (read by the recovery codes page).
NEXT_SESSION_KEY = "otonari_mfa_next"
# Under a language prefix, these stay open: signing in, out, the second factor itself.
OPEN_PREFIXES = ("accounts/",)


def _guarded(path: str) -> bool:
    """Pages under /<lang>/ except the account pages; nothing outside the language prefixes
    (the language switch, the health check, static files) shows anything of staff's."""
    language, _, rest = path.lstrip("/").partition("/")
    if language not in dict(settings.LANGUAGES):
        return False
    return not rest.startswith(OPEN_PREFIXES)


class StaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and _guarded(request.path_info)
            and mfa_required(user)
            and not session_passed_mfa(request.session, user)
        ):
            return self._to_second_factor(request)
        return self.get_response(request)

    def _to_second_factor(self, request: HttpRequest) -> HttpResponse:
        wanted = request.get_full_path() if request.method == "GET" else ""
        if has_totp(request.user):
            url = reverse("mfa_reauthenticate")
            if wanted:
                url += "?" + urlencode({"next": wanted})
        else:
            if wanted:
                request.session[NEXT_SESSION_KEY] = wanted
            url = reverse("mfa_activate_totp")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
