"""Real-browser journeys: Playwright driving Debian's Chromium against pytest-django's live server.

Every journey runs at a 360×740 phone viewport and at desktop width, saves a screenshot of each
step under test-artifacts/screenshots/, checks each page with axe-core (wcag2a + wcag2aa: no
serious or critical violation) and, on /ja/ and /ne/ pages, that no English UI text is left.
A failing step prints its name, the URL and what was on the page. The browser keeps the site's
Content-Security-Policy on (no bypass), and anything it refuses fails the step.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# The live server runs in a thread beside the async Playwright driver.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
AXE_JS = (Path(__file__).parent / "assets" / "axe.min.js").read_text(encoding="utf-8")
CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}

# Words that may stay in Latin letters on a Japanese or Nepali page: names of the product, of
# the organisation (JII, in campaign titles), of giving platforms, of the languages in the
# switcher (each shown in its own script), and the keys Django's admin names in its Japanese
# help text (“Control キーを…Mac は Command キー”).
ALLOWED_LATIN = {"Otonari", "OFP", "JII", "Give", "One", "Benevity", "English", "Email", "SMS"}
ALLOWED_LATIN |= {"Control", "Command", "Mac"}
# File formats named in download links (“…をダウンロード（CSV）”) and in what a file input takes
# (“JPEG, PNG, HEIC वा PDF”).
ALLOWED_LATIN |= {"CSV", "JSON", "ZIP", "JPEG", "PNG", "HEIC", "PDF"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # noqa: ANN001, ANN201
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (Debian's chromium package).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return request.param


# Everything the browser refused under our Content-Security-Policy or Permissions-Policy, per
# browser context: a journey step fails on the first one (Journey.check), and so does the test
# if one comes after its last step. The listener is an init script, which the page's CSP does
# not apply to, reporting through a binding (no network request, no page script needed).
POLICY_VIOLATIONS: dict[object, list[str]] = {}
VIOLATION_LISTENER = """
document.addEventListener('securitypolicyviolation', e => window.reportPolicyViolation(
  `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`
  + ` (${e.sample}) on ${location.pathname}`));
"""
POLICY_MESSAGE = re.compile(r"Content.Security.Policy|Permissions.Policy", re.IGNORECASE)


def new_watched_context(browser, viewport: str):  # noqa: ANN001, ANN201
    """A browser context at ``viewport`` (CSP on, as a visitor's browser has it) whose policy
    violations are recorded in POLICY_VIOLATIONS."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
    context.set_default_timeout(10_000)
    violations = POLICY_VIOLATIONS[context] = []
    context.expose_function("reportPolicyViolation", lambda report: violations.append(report))
    context.add_init_script(script=VIOLATION_LISTENER)

    def on_console(message) -> None:  # noqa: ANN001
        # The browser's own report, e.g. "Refused to apply inline style because it violates…"
        # or an unknown feature in the Permissions-Policy header.
        if message.type in ("error", "warning") and POLICY_MESSAGE.search(message.text):
            violations.append(f"console {message.type}: {message.text} ({message.location})")

    context.on("console", on_console)
    return context


def close_watched(context) -> list[str]:  # noqa: ANN001
    context.close()
    return POLICY_VIOLATIONS.pop(context, [])


@pytest.fixture
def page(browser, viewport):  # noqa: ANN001, ANN201
    """A fresh browser context per test at the requested viewport."""
    context = new_watched_context(browser, viewport)
    page = context.new_page()
    yield page
    violations = close_watched(context)
    if violations:
        pytest.fail(f"policy violations: {violations}")


@pytest.fixture
def other_page(browser, viewport):  # noqa: ANN001, ANN201
    """Pages for more people in the same journey: each its own browser context (own cookies) at
    the same viewport, all closed when the test ends."""
    contexts = []

    def open_page():  # noqa: ANN202
        context = new_watched_context(browser, viewport)
        contexts.append(context)
        return context.new_page()

    yield open_page
    violations = [v for context in contexts for v in close_watched(context)]
    if violations:
        pytest.fail(f"policy violations: {violations}")


def axe_violations(page) -> list[dict]:  # noqa: ANN001
    # Evaluated, not added as a <script> tag: the CSP (script-src 'self') stays on and still
    # refuses every script of the page's own that is not a file of ours. No preload: axe would
    # copy @import-ed style sheets into <style> elements (refused by the CSP, and only needed
    # by css-orientation-lock, a WCAG 2.1 rule outside these tags).
    if not page.evaluate("() => 'axe' in window"):  # once per document
        page.evaluate(AXE_JS)
    return page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
                                   resultTypes: ['violations'], preload: false})
            .then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""
    )


# Django's admin shows stored data (titles, towns, names) in its own markup, which we cannot mark
# as user content: on /admin/ pages the change list's cells, read-only values (except our
# matching panel, which marks its own data), inline rows' fields and the values in form fields
# (chosen objects, select options) are data. Everything else there (our panels, buttons,
# messages, Django's own UI) is checked.
ADMIN_DATA = ", ".join(
    [
        "#result_list td",
        "#result_list th",
        ".readonly:not(:has(.matching-panel))",
        ".tabular td[class^='field-']",
        ".related-widget-wrapper",
        "select",
    ]
)

LEFTOVER_JS = """(adminData) => {
  // A textarea's text is what was typed or stored, like an input's value.
  const data = ['script,style,noscript,textarea,[hidden],.user-text,[data-user-content],[lang]:not(html)'];
  if (location.pathname.includes('/admin/')) data.push(adminData);
  const skip = el => el.closest(data.join(','));
  const words = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || skip(el) || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    for (const w of node.textContent.replace(/\\S+@\\S+/g, '').match(/[A-Za-z]{3,}/g) || []) words.add(w);
  }
  // UI text inside controls: submit buttons' values and placeholders (never what people typed).
  for (const el of document.querySelectorAll('input[type=submit],input[placeholder],textarea[placeholder]')) {
    if (skip(el)) continue;
    const shown = (el.type === 'submit' ? el.value : '') + ' ' + (el.placeholder || '');
    for (const w of shown.match(/[A-Za-z]{3,}/g) || []) words.add(w);
  }
  return [...words];
}"""


def leftover_english(page) -> list[str]:  # noqa: ANN001
    return sorted(w for w in page.evaluate(LEFTOVER_JS, ADMIN_DATA) if w not in ALLOWED_LATIN)


class Journey:
    """Steps of one journey: screenshot, accessibility and translation checks, clear failures."""

    def __init__(self, page, name: str, viewport: str) -> None:  # noqa: ANN001
        self.page, self.name, self.viewport = page, name, viewport
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob(f"*-{viewport}.png"):  # steps renamed since the last run
            old.unlink()
        self.count = 0

    @contextmanager
    def as_(self, page) -> Iterator[None]:  # noqa: ANN001
        """Steps of another person (another page): same checks, same folder and numbering."""
        own, self.page = self.page, page
        try:
            yield
        finally:
            self.page = own

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        self.count += 1
        try:
            yield
            self.check(title)
        except BaseException as error:
            text = ""
            try:
                text = self.page.inner_text("body")[:1500]
            except Exception:  # noqa: BLE001, S110 - the page may be gone; report what we have
                pass
            raise AssertionError(
                f"[{self.name} / {self.viewport}] step {self.count} “{title}” failed at "
                f"{self.page.url}: {error}\n--- page text ---\n{text}"
            ) from error

    def check(self, title: str) -> None:
        page = self.page
        # The page has loaded, htmx has no swap in flight and the fonts are in. (Cheaper than
        # "networkidle", which always waits half a second; no page of ours polls.)
        page.wait_for_load_state("load")
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        page.screenshot(
            path=str(self.folder / f"{self.count:02d}-{slug}-{self.viewport}.png"), full_page=True
        )
        violations = axe_violations(page)
        assert violations == [], f"accessibility: {violations}"
        language = page.evaluate("document.documentElement.lang")
        if language in ("ja", "ne"):
            leftovers = leftover_english(page)
            assert leftovers == [], f"English left on a /{language}/ page: {leftovers}"
        # Nothing wider than the screen on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than the viewport"
        # Last: the reports of everything above have come in by now (each evaluate waits).
        refused = POLICY_VIOLATIONS.get(page.context, [])
        assert refused == [], f"Content-Security-Policy or Permissions-Policy: {refused}"


@pytest.fixture
def journey(page, viewport, request):  # noqa: ANN001, ANN201
    return Journey(page, request.node.originalname, viewport)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
