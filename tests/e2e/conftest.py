"""Browser journeys: Debian's Chromium driven by Playwright against a live server and a
real Celery worker that share the test database and the run's broker."""

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

from tests.factories import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# No preloading of stylesheets: axe fetched the admin's `@import url('widgets.css')` relative to
# the page, and that stray request to the admin (a "doesn't exist" message in the messages
# cookie) could land after the journey's own next response and replace its message. Colour
# contrast is read from computed styles either way.
# The phone every learner page must fit without sideways scrolling (WCAG 1.4.10 Reflow).
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
WCAG_22_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
    "preload": False,
}


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


# The server accepts only the current 30-second step of an authenticator's code (allauth's
# MFA_TOTP_TOLERANCE is 0): a code read closer than this to the step's end waits for the next.
CODE_MARGIN_SECONDS = 5


def totp_code(secret: str) -> str:
    """The authenticator app's code, read with time left to use it: on a busy machine a code
    read in a step's last second expired before the server checked it."""
    totp = pyotp.TOTP(secret)
    left = totp.interval - time.time() % totp.interval
    if left < CODE_MARGIN_SECONDS:
        time.sleep(left + 0.1)
    return totp.now()


def wait_until_past(page, path: str) -> None:
    """After a form that redirects, wait until the page has left `path`. (A pattern such as
    ".*/$" matches the sign-in page itself, so it did not wait, and the next `goto` could cut
    the sign-in short.)"""
    page.wait_for_url(lambda url: urlsplit(url).path != path)


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    wait_until_past(page, "/accounts/login/")


def log_in_with_code(page, email: str, *, secret: str, next_path: str) -> None:
    """Sign in as staff with a second factor (StaffFactory(totp=secret)), landing on `next_path`."""
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(".*" + re.escape(next_path) + "$"))


def page_overflow(page) -> str:
    """Why the page scrolls sideways at its viewport, or "" when it fits."""
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    document_width, viewport_width = widths
    return f"{document_width}px wide in a {viewport_width}px viewport" if document_width > viewport_width else ""


def assert_fits_viewport(page) -> None:
    """For a step that changes a page without loading one (an htmx swap); loads are checked by the audit."""
    overflow = page_overflow(page)
    assert not overflow, f"{page.url} scrolls sideways: {overflow}"


def assert_in_view_without_scrolling_sideways(page, locator) -> None:
    """A table that scrolls inside its own region fits the page but can still hide what a learner
    came for (the download link) past the phone's right edge."""
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (
        f"{page.url}: {locator} sits at x={box and box['x']:.0f}..{box and box['x'] + box['width']:.0f} in a {width}px viewport"
    )


def _journey_moved_on(error: PlaywrightError) -> bool:
    # The journey moved on while a check ran (a redirect, a click that navigates). An error
    # raised here, inside Playwright's event dispatch, would derail the journey's own next
    # step; the page it moved to is checked on its own load.
    return "Execution context was destroyed" in str(error)


class AccessibilityAudit:
    """Runs axe-core at WCAG 2.2 AA on every page a journey visits, and checks that the page fits
    its viewport without sideways scrolling; the test asserts no violation of either."""

    def __init__(self):
        self.axe = Axe()
        self.violations: dict[str, list[str]] = {}
        self.overflowing: dict[str, str] = {}
        self.pages_checked = 0
        self.is_running = False

    def check(self, page) -> None:
        # axe-core refuses a second run on a page while one is under way: the page being
        # audited already is audited once.
        if self.is_running:
            return
        self.is_running = True
        try:
            results = self.axe.run(page, options=WCAG_22_AA)
            overflow = page_overflow(page)
        except PlaywrightError as error:
            if not _journey_moved_on(error):
                raise
            return
        finally:
            self.is_running = False
        self.pages_checked += 1
        found = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])} × e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"]
        ]
        if found:
            self.violations[page.url] = found
        if overflow:
            self.overflowing[page.url] = overflow

    def check_now(self, page) -> None:
        """Audit the page the journey is on before it moves on. The audit of each page load can
        lose the race with a journey that clicks on at once on a busy machine, and that page
        then goes unchecked; a journey calls this where a page must not."""
        page.wait_for_load_state()
        while self.is_running:
            page.wait_for_timeout(20)
        self.check(page)

    def assert_clean(self) -> None:
        assert not self.violations, "axe-core WCAG 2.2 AA violations:\n" + "\n".join(
            f"{url}\n  " + "\n  ".join(items) for url, items in self.violations.items()
        )
        assert not self.overflowing, "pages that scroll sideways:\n" + "\n".join(
            f"{url}: {overflow}" for url, overflow in self.overflowing.items()
        )


@pytest.fixture
def page(browser, live_server, celery_worker, request):
    """A fresh browser context on the live server; failing journeys leave a screenshot and the HTML.
    A desktop window unless the test asks for another of VIEWPORTS (parametrize "page" indirectly)."""
    viewport = VIEWPORTS[getattr(request, "param", "desktop")]
    context = browser.new_context(base_url=live_server.url, viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    audit = AccessibilityAudit()
    # Every page load is audited, so no page a journey visits escapes the check.
    page.on("load", lambda loaded: audit.check(loaded))
    page.audit = audit
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.nodeid)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(page.content())
        except Exception as error:  # noqa: BLE001 — the journey's own failure is the one to report
            (ARTIFACTS / f"{name}.error.txt").write_text(repr(error))
    context.close()


@pytest.fixture
def phone(browser, live_server):
    """Opens a fresh phone-sized browser context per person (`phone()` gives its page); every
    page load in any of them is audited by `phone.audit`."""
    contexts = []
    audit = AccessibilityAudit()

    def open_context():
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS["phone"])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("load", lambda loaded: audit.check(loaded))
        return page

    open_context.audit = audit
    yield open_context
    for context in contexts:
        context.close()
