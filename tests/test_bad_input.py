"""Malformed query strings never break a page: every URL that reads one answers below 500.

The URLs are found, not listed: every URL pattern is opened once as an anonymous visitor, a
signed-in resident and staff, with a ``request.GET`` that records which parameters the view
read. Each parameter read is then sent the values below. A view that reads the whole query
string (the admin's change lists, whose filters each read their own parameter) is also sent
every parameter its page links to. A guard test greps the code for query-string reads, so a new
reader that the discovery cannot reach fails loudly instead of going untested.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse, QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.translation import gettext

from donations.models import Campaign
from matching.models import Match
from notifications.models import Notification
from requests_app.models import HelpRequest
from tests.donations.factories import make_campaign
from tests.factories import make_user, url_in
from tests.volunteers.factories import make_match, make_volunteer

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]

# The values of the issue (and an empty one); then, raw, bytes that are not UTF-8 and a key
# repeated with different values.
MALFORMED = ["abc", "\x00", "-1", "", "99999999999999999999", "1.5", "[]", "x" * 4000]
RAW_QUERIES = ["{key}=%ff%fe", "{key}=1&{key}=abc&{key}=-1&{key}="]

# Parameters Django's admin reads the same way on every page of its kind.
ADMIN_GENERIC = {"p", "o", "e", "all", "_facets", "_to_field", "_popup", "_changelist_filters"}
# Where our own code reads the query string, and the URL names that reach that code. The guard
# test below fails when a file starts (or stops) reading it, until this table says where.

READERS = {
    "otonari/middleware.py": set(),  # every URL: refuses NUL bytes and an empty _to_field
    "accounts/views.py": {"admin:login"},
    "desk/views.py": {"desk:dashboard"},
    "otonari/work_queue.py": set(),  # the staff desk's work-queue filter, on the change lists
    "requests_app/views.py": {"requests:topics"},
    "notifications/views.py": {"notifications:list"},
    "matching/admin.py": {"admin:matching_match_propose", "admin:matching_match_changelist"},
    "donations/admin.py": {"admin:donations_donation_export"},
    "requests_app/admin.py": {"admin:requests_app_helprequest_changelist"},
}
QUERY_READ = re.compile(
    r"request\.GET|\.GET\b|QUERY_STRING|SimpleListFilter|get_changelist_instance|request\.query"
)


# --- recording which parameters a view reads ----------------------------------------------------


class RecordingQueryDict(QueryDict):
    """``request.GET`` that remembers the names read; ``*`` when the view walks all of them."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.read: set[str] = set()
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.read.clear()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: object = None) -> object:
        self.read.add(key)
        return super().get(key, default)

    def getlist(self, key: str, default: object = None) -> list:
        self.read.add(key)
        return super().getlist(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)

    def _all(self, method: Callable) -> Callable:
        def read_all(*args: object, **kwargs: object) -> object:
            self.read.add("*")
            return method(*args, **kwargs)

        return read_all

    def __getattribute__(self, name: str) -> object:
        if name in {"items", "lists", "values", "keys", "dict", "copy", "urlencode", "__iter__"}:
            return object.__getattribute__(self, "_all")(super().__getattribute__(name))
        return super().__getattribute__(name)

    def __iter__(self) -> Iterator[str]:
        self.read.add("*")
        return super().__iter__()


def record_query_reads(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Test middleware: put a RecordingQueryDict in place and hang what it saw on the response."""

    def middleware(request: HttpRequest) -> HttpResponse:
        recorder = RecordingQueryDict(request.META.get("QUERY_STRING", ""))
        request.GET = recorder  # type: ignore[misc]
        response = get_response(request)
        response.query_reads = recorder.read  # type: ignore[attr-defined]
        return response

    return middleware


# --- the URLs and the people who open them --------------------------------------------------------


def _notification(recipient) -> Notification:  # noqa: ANN001
    return Notification.objects.create(
        recipient=recipient,
        event="request_received",
        key="bad-input",
        language="en",
        subject="Hello",
        body_text="Hello",
        body_html="<p>Hello</p>",
    )


@pytest.fixture
def world(alice, carol):  # noqa: ANN001, ANN201
    """One of each object the pages show: a request with a match, a notification, a campaign."""
    bob = make_volunteer(make_user("bob@example.com", display_name="Bob"))
    match = make_match(alice, bob)
    _notification(alice)
    make_campaign()
    return {"alice": alice, "carol": carol, "match": match}


def _patterns(
    patterns: list, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, object]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _first_pk(model: type) -> str:
    first = model._default_manager.order_by("pk").first()
    return str(first.pk) if first else "1"


def _kwargs_for(name: str, pattern: URLPattern) -> dict[str, str] | None:
    """Values for a pattern's path arguments: objects of the world where one fits."""
    from django.apps import apps

    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "slug":
            kwargs[key] = Campaign.objects.get().slug
        elif key == "request_pk" or name.startswith(("requests:", "matching:task", "matching:acc")):
            kwargs[key] = _first_pk(HelpRequest)
        elif name.startswith("matching:"):
            kwargs[key] = _first_pk(Match)
        elif name.startswith("notifications:"):
            kwargs[key] = _first_pk(Notification)
        elif key == "object_id" and (found := re.match(r"admin:(\w+?)_(\w+)_\w+$", name)):
            for app_label in (found[1], found[1].rsplit("_", 1)[0]):
                model_name = found[2] if app_label == found[1] else found[1].rsplit("_", 1)[1]
                try:
                    kwargs[key] = _first_pk(apps.get_model(app_label, model_name))
                    break
                except (LookupError, ValueError):
                    continue
            else:
                kwargs[key] = "1"
        elif key == "app_label":
            kwargs[key] = "matching"
        elif key == "url":
            return None  # the admin's catch-all: a 404 for anything
        else:
            kwargs[key] = "1"
    return kwargs


def _urls() -> list[tuple[str, str]]:
    urls = []
    with translation.override("en"):
        for name, pattern in _patterns(get_resolver().url_patterns):
            if name in {"admin:view_on_site", "admin:logout", "account_logout"}:
                continue  # a redirect elsewhere / ends the session the next requests need
            kwargs = _kwargs_for(name, pattern)
            if kwargs is None:
                continue
            try:
                urls.append((name, reverse(name, kwargs=kwargs)))
            except Exception:  # noqa: BLE001, S112 - a pattern our values cannot fill
                continue
    return urls


def _clients(world: dict) -> dict[str, Client]:
    clients = {"anonymous": Client(), "resident": Client(), "staff": Client()}
    clients["resident"].force_login(world["alice"])
    clients["staff"].force_login(world["carol"])
    return clients


def _linked_parameters(path: str, html: str) -> set[str]:
    """Query parameters this page links to on itself (the admin's filters, sorting, pages)."""
    names = set()
    for href in re.findall(r'href="([^"]*\?[^"]*)"', html):
        url = urlsplit(href.replace("&amp;", "&"))
        if url.path in ("", path):
            names |= {key for key, _ in parse_qsl(url.query, keep_blank_values=True)}
    return names


def _code_path(who: str, name: str, module: str, parameter: str) -> tuple[str, ...]:
    """Which code reads ``parameter`` on this page, as far as it differs from page to page.

    The admin's own parameters (the page number, popups, the filters a page came from) and
    allauth's ``next`` are read by the same code on every page: one page of each kind is enough.
    What depends on the model (search fields, ordering, each list filter) is tried on every
    change list.
    """
    if name.startswith("admin:"):
        kind = name.rsplit("_", 1)[-1]  # changelist, change, add, delete, history, propose…
        if kind == "changelist" and parameter not in ADMIN_GENERIC:
            if "__" in parameter:  # a field's list filter: the same code for each field type
                return (who, "admin:changelist", parameter.split("__", 1)[1])
            return (who, name, parameter)  # the search, a list filter of ours
        return (who, f"admin:{kind}", parameter)
    return (who, module, parameter)


def _discover(world: dict) -> dict[tuple[str, ...], tuple[str, str, str]]:
    """Every (person, code path, parameter) that reads a query parameter → (URL name, URL,
    parameter), found by opening every URL once as each person."""
    found: dict[tuple[str, ...], tuple[str, str, str]] = {}
    for who, client in _clients(world).items():
        for name, url in _urls():
            try:
                response = client.get(url)
            except Exception:  # noqa: BLE001, S112 - it fails without bad input: not this test's finding
                continue
            read = set(getattr(response, "query_reads", ()))
            if "*" in read:
                html = "" if response.streaming else response.content.decode()
                read = (read - {"*"}) | _linked_parameters(url, html)
                if name.endswith(("_changelist", "_export")):  # the admin's change lists
                    read |= ADMIN_GENERIC | {"q"}
            module = getattr(response.resolver_match, "func", None).__module__ if read else ""
            for parameter in read:
                found.setdefault(_code_path(who, name, module, parameter), (name, url, parameter))
    return found


@pytest.fixture
def recording(settings):  # noqa: ANN001, ANN201
    settings.MIDDLEWARE = [f"{__name__}.record_query_reads", *settings.MIDDLEWARE]


# --- the tests -------------------------------------------------------------------------------------


def test_malformed_query_values_never_answer_500(world, recording) -> None:  # noqa: ANN001
    probes = _discover(world)
    reached = {name for name, _url, _parameter in probes.values()}
    expected = set().union(*READERS.values())
    assert expected <= reached, f"readers the discovery did not reach: {expected - reached}"
    assert {"requests:topics", "notifications:list", "account_login"} <= reached

    failures = []
    clients = _clients(world)
    for (who, *_path), (name, url, key) in sorted(probes.items()):
        queries = [urlencode({key: value}) for value in MALFORMED]
        queries += [raw.format(key=key) for raw in RAW_QUERIES]
        for query in queries:
            try:
                status = clients[who].get(f"{url}?{query}").status_code
            except Exception as error:  # noqa: BLE001 - reported below with the others
                status = f"{type(error).__name__}: {error}"[:200]
            if not isinstance(status, int) or status >= 500:
                failures.append(f"{who} GET {url}?{query[:60]} ({name}) → {status}")
    assert failures == [], "\n".join(failures[:40]) + f"\n({len(failures)} in all)"


def test_every_query_string_reader_in_the_code_is_known() -> None:
    """Our code reads query strings in exactly the files of READERS (so the test above checks
    them): a new ``request.GET`` or admin list filter needs its row there."""
    from django.apps import apps

    ours = [Path(config.path) for config in apps.get_app_configs()]
    ours = [path for path in ours if path.parent == ROOT] + [ROOT / "otonari"]
    readers = set()
    for app in ours:
        for source in app.rglob("*.py"):
            if "migrations" not in source.parts and QUERY_READ.search(source.read_text()):
                readers.add(str(source.relative_to(ROOT)))
    for template in ROOT.glob("*/templates/**/*.html"):
        if "request.GET" in template.read_text():
            readers.add(str(template.relative_to(ROOT)))
    for template in (ROOT / "templates").rglob("*.html"):
        if "request.GET" in template.read_text():
            readers.add(str(template.relative_to(ROOT)))
    assert readers == set(READERS)


def test_a_malformed_category_shows_no_topics(client) -> None:  # noqa: ANN001
    """The defect as it was found: an anonymous visitor, `?category=abc` (and its kin)."""
    url = reverse("requests:topics")
    for query in ("category=abc", "category=99999999999999999999", "category=1.5", "category=-1"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, query
        # No category chosen: the hint, and every topic only for browsers without JavaScript.
        assert "<noscript>" in response.content.decode(), query


def test_a_nul_byte_in_any_query_string_is_a_bad_request(client, alice) -> None:  # noqa: ANN001
    response = client.get(url_in("ne", "requests:topics") + "?category=%00")
    assert response.status_code == 400
    with translation.override("ne"):  # the page in the language of the address
        assert gettext("This address does not work") in response.content.decode()
    assert client.get(reverse("account_login") + "?next=/ja/%00").status_code == 400
    client.force_login(alice)
    assert client.get(reverse("notifications:list") + "?page=1%00").status_code == 400


def test_the_admins_own_parameters_that_would_fail_are_bad_requests(client, carol) -> None:  # noqa: ANN001
    client.force_login(carol)
    changelist = reverse("admin:requests_app_helprequest_changelist")
    assert client.get(changelist + "?status__exact=%00").status_code == 400
    assert client.get(changelist + "?created_at__year=99999999999999999999").status_code == 400
    assert client.get(changelist + "?created_at__year=2026").status_code == 200
    group = Group.objects.create(name="Coordinators")
    change = reverse("admin:auth_group_change", args=[group.pk])
    assert client.get(change + "?_to_field=").status_code == 400
    export = reverse("admin:donations_donation_export")
    assert client.get(export + "?_changelist_filters=abc").status_code == 302  # as the list: ?e=1


def test_a_malformed_page_number_shows_the_first_page(client, alice) -> None:  # noqa: ANN001
    _notification(alice)
    client.force_login(alice)
    for page in ("abc", "-1", "99999999999999999999", "1.5", ""):
        response = client.get(f"{reverse('notifications:list')}?page={page}")
        assert response.status_code == 200, page
        assert "Hello" in response.content.decode()


def test_propose_with_a_malformed_volunteer_is_not_found(client, carol, alice) -> None:  # noqa: ANN001
    from tests.factories import make_request

    help_request = make_request(alice)
    client.force_login(carol)
    url = reverse("admin:matching_match_propose", args=[help_request.pk])
    for volunteer in ("abc", "-1", "99999999999999999999", "1.5", "", "७"):
        assert client.get(f"{url}?volunteer={volunteer}").status_code == 404, volunteer
