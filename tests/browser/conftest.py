"""Browser tests: headless Debian Chromium driven by Playwright, axe-core on every page.

Every page a test visits is checked with axe-core when the test ends (and after each
navigation); any violation, or any Content-Security-Policy report in the console, fails
the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the Django ORM calls made by
# fixtures are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # One browser per xdist worker is enough: keep browser tests together.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; ./scripts/test installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class AxePage:
    """Wraps a Playwright page: ``visit`` checks each page; ``check`` checks the current one."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.axe = Axe()
        self.violations: list[str] = []
        self.console_errors: list[str] = []
        self.checked: set[str] = set()
        self.expected_errors: set[str] = set()
        page.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        expected = message.location.get("url", "") in self.expected_errors
        if message.type == "error" and not expected:
            self.console_errors.append(message.text)

    def visit(self, path: str, *, status: int = 200) -> Page:
        url = self.base_url + path
        if status >= 400:
            self.expected_errors.add(url)
        response = self.page.goto(url)
        assert response is not None and response.status == status, (
            path,
            response and response.status,
        )
        self.check()
        return self.page

    def follow(self, target: Locator) -> Page:
        """Click a link or submit button and wait until the page it leads to has loaded.

        Playwright's click returns once the click is dispatched; an assertion made straight
        after it can still see the old page (a form re-rendered with its errors at the same
        URL is the usual victim), so every navigating click goes through here.
        """
        with self.page.expect_navigation():
            target.click()
        return self.page

    def check(self) -> None:
        url = self.page.url
        results = self.axe.run(self.page)
        for violation in results.response["violations"]:
            nodes = "; ".join(
                node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                for node in violation["nodes"][:3]
            )
            self.violations.append(
                f"{url}: {violation['id']} ({violation['impact']}): {violation['help']} — {nodes}"
            )
        self.checked.add(url)


@pytest.fixture
def axe_page(browser: Browser, live_server: Any) -> Iterator[AxePage]:
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    page = context.new_page()
    wrapper = AxePage(page, live_server.url)
    yield wrapper
    if wrapper.page.url.startswith(live_server.url) and wrapper.page.url not in wrapper.checked:
        wrapper.check()
    context.close()
    problems = wrapper.violations + [f"console: {text}" for text in wrapper.console_errors]
    assert not problems, "\n".join(problems)
