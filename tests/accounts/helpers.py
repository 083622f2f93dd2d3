"""Signing in the way a person does: the login page, then the code from the authenticator app."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client

from tests.factories import PASSWORD, url_in


def enrol_totp(user) -> str:  # noqa: ANN001
    """Give ``user`` an authenticator app, as if set up earlier; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def stored_secret(user) -> str:  # noqa: ANN001
    """The secret of ``user``'s app, read from the database (the adapter does not encrypt it)."""
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]


def totp_code(secret: str, *, offset: int = 0) -> str:
    """The code the phone shows now (``offset`` 30-second steps later)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def password_login(client: Client, email: str, *, next_url: str = "", language: str = "ja"):  # noqa: ANN201
    """Post the login form (first step) and follow where it leads."""
    data = {"login": email, "password": PASSWORD}
    url = url_in(language, "account_login")
    if next_url:
        data["next"] = next_url
    return client.post(url, data, follow=True)


class _VisibleText(HTMLParser):
    """Text a person reads on a page (and the words in submit buttons and placeholders), leaving
    out what is not UI text: scripts, styles, code, stored text marked .user-text or with its
    own lang, and translate="no" parts (secrets, codes)."""

    SKIP = {"script", "style", "code", "textarea", "title"}
    VOID = {"input", "img", "br", "hr", "meta", "link", "area", "base", "col", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        skipped = bool(
            (self.stack and self.stack[-1])
            or tag in self.SKIP
            or "user-text" in (a.get("class") or "")
            or (a.get("lang") and tag != "html")
            or a.get("translate") == "no"
            or "hidden" in a
        )
        if tag == "input" and not skipped:
            shown = (a.get("value") or "") if a.get("type") == "submit" else ""
            self.words += re.findall(r"[A-Za-z]{3,}", shown + " " + (a.get("placeholder") or ""))
        if tag not in self.VOID:
            self.stack.append(skipped)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.words += re.findall(r"[A-Za-z]{3,}", re.sub(r"\S+@\S+", "", data))


# As in the browser journeys: names of the product and of the languages in the switcher.
ALLOWED_LATIN = {"Otonari", "English"}


def english_words(html: str) -> list[str]:
    body = html.split("<body", 1)[-1]
    parser = _VisibleText()
    parser.feed("<body" + body)
    return sorted({w for w in parser.words if w not in ALLOWED_LATIN})
