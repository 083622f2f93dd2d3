"""Middleware of our own: the Permissions-Policy header, and refusing query strings no page can use.

The Content-Security-Policy is django-csp's (``CONTENT_SECURITY_POLICY`` in settings).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict

# --- Permissions-Policy -------------------------------------------------------------------------

# Features browsers know (an unknown name only makes them log a warning); all denied.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
# URL names of the pages that may open the camera: the request form, where a resident may take
# a photo of a letter.
CAMERA_PAGES = frozenset({"requests:new", "requests:edit"})


def permissions_policy(*, camera: bool) -> str:
    features = [f"{feature}=()" for feature in DENIED_FEATURES]
    features.append("camera=(self)" if camera else "camera=()")
    return ", ".join(sorted(features))


POLICY = permissions_policy(camera=False)
CAMERA_POLICY = permissions_policy(camera=True)


class PermissionsPolicyMiddleware:
    """Adds Permissions-Policy to every response of ours (pages, redirects, error pages)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        camera = match is not None and match.view_name in CAMERA_PAGES
        response.headers.setdefault("Permissions-Policy", CAMERA_POLICY if camera else POLICY)
        return response


# --- Query strings no page can use -----------------------------------------------------------


DATE_PARTS = ("__year", "__month", "__day")
DATE_PART = re.compile(r"[0-9]{1,4}")


class RejectUnusableQueryMiddleware:
    """A 400 for two kinds of query string that would otherwise fail deep inside a page (500):

    - a NUL byte anywhere: PostgreSQL refuses it in any text it compares, so every admin list
      filter and search (Django's, allauth's and ours) would raise in the database;
    - an empty ``_to_field``: Django's admin then looks up a model field named "";
    - a date drill-down of the admin (``created_at__year=…``) that is not a small number: past
      what a C long holds, Django's datetime() raises OverflowError, which it does not catch.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.META.get("QUERY_STRING"):
            return self.get_response(request)
        # Parsed apart from request.GET, which stays the view's own.
        query = QueryDict(request.META["QUERY_STRING"], encoding=request.encoding)
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists()):
            raise BadRequest("NUL byte in the query string")
        if "_to_field" in query and not query.get("_to_field"):
            raise BadRequest("empty _to_field")
        for key, values in query.lists():
            if key.endswith(DATE_PARTS) and not all(DATE_PART.fullmatch(v) for v in values):
                raise BadRequest("malformed date drill-down")
        return self.get_response(request)
