"""The browser applies our Content-Security-Policy and Permissions-Policy, and the journeys' watch
catches what the policy refuses (else a silent watch would pass every journey)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import POLICY_VIOLATIONS
from tests.browser.helpers import sign_in


def test_the_watch_catches_an_inline_style_and_script(live_server, page) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/ja/")
    page.evaluate(
        """() => {
          document.head.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>');
          const script = document.createElement('script');
          script.textContent = 'window.ranInline = true';
          document.body.append(script);
        }"""
    )
    assert page.evaluate("() => window.ranInline === undefined")  # refused
    page.wait_for_function("() => true")
    refused = POLICY_VIOLATIONS[page.context]
    assert any("style-src" in report for report in refused), refused
    assert any("script-src" in report for report in refused), refused
    refused.clear()  # seen: the page fixture would fail the test on them


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_only_the_request_form_may_use_the_camera(live_server, page, alice) -> None:  # noqa: ANN001
    sign_in(page, live_server.url, alice)
    allows = "f => (document.permissionsPolicy || document.featurePolicy).allowsFeature(f)"
    for path, camera in [("/ja/", False), ("/ja/requests/", False), ("/ja/requests/new/", True)]:
        page.goto(live_server.url + path)
        assert page.evaluate(allows, "camera") is camera, path
        for feature in ("microphone", "geolocation", "payment"):
            assert page.evaluate(allows, feature) is False, (path, feature)
