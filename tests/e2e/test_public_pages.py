"""The public pages anyone may land on — verify a certificate, a credential, a page that does
not exist — in a real browser: footer at the bottom of a short page, no sideways scrolling on
a phone, and no axe-core WCAG 2.2 AA violation."""

import pytest

from tests.api.records import bare_course, certificate, completion
from tests.e2e.conftest import AccessibilityAudit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def visit(browser, live_server):
    """Open a path in a fresh browser context of the given size, audited with axe once loaded."""
    contexts = []
    audit = AccessibilityAudit()

    def open_page(path: str, viewport: dict):
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        audit.check(page)
        return page

    open_page.audit = audit
    yield open_page
    for context in contexts:
        context.close()


def footer_gap_and_overflow(page) -> tuple[float, int]:
    """(pixels between the footer's bottom and the window's bottom, pixels of sideways overflow)."""
    return page.evaluate("""() => {
        const footer = document.querySelector('footer').getBoundingClientRect();
        const root = document.documentElement;
        return [window.innerHeight - footer.bottom, root.scrollWidth - root.clientWidth];
    }""")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_short_public_pages_keep_the_footer_at_the_bottom_and_fit_a_phone(visit, viewport):
    for path in ("/verify/", "/no-such-page/"):
        page = visit(path, viewport)
        gap, overflow = footer_gap_and_overflow(page)
        assert abs(gap) <= 1, f"{path}: the footer ends {gap}px above the bottom of the window"
        assert overflow <= 0, f"{path}: {overflow}px of horizontal scroll"
    visit.audit.assert_clean()


def test_a_visitor_types_a_code_and_reaches_the_certificate_and_its_credential(visit):
    issued = certificate(completion(bare_course(title="Teaching at the bedside"), name="Ines Okafor, DO"))
    page = visit("/", PHONE)
    page.get_by_role("link", name="Verify a certificate").click()
    page.get_by_label("Certificate code").fill("12345")
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("A certificate code has 10 letters and digits").wait_for()
    visit.audit.check(page)

    page.get_by_label("Certificate code").fill(f"{issued.code[:5].lower()}-{issued.code[5:].lower()}")
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name=f"Certificate {issued.display_code}").wait_for()
    page.get_by_role("link", name="Open Badges 3.0 credential").click()
    page.get_by_role("heading", name="Open Badges credential").wait_for()
    assert page.get_by_text("Ines Okafor, DO").is_visible()
    assert page.get_by_role("link", name="Download credential (.jwt)").is_visible()
    visit.audit.check(page)
    _, overflow = footer_gap_and_overflow(page)
    assert overflow <= 0
    visit.audit.assert_clean()
