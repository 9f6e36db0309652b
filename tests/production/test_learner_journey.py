"""A learner earns a certificate on the production stack, in Chromium, over HTTPS through nginx."""

import http.client
import io
import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from tests.learner_steps import answer_post_test, claim_credit, submit_evaluation
from tests.production.conftest import DEMO_COURSE, JOURNEY_LEARNER, PASSWORD, ROOT, SIGNATORY, certificate_rows

pytestmark = pytest.mark.production

ARTIFACTS = ROOT / "test-artifacts"


def _words(text: str) -> str:
    return " ".join(text.split())


def correct_options_by_stem() -> dict[str, set[str]]:
    """What the course file marks correct, by question stem: the answers a prepared learner knows."""
    questions = yaml.safe_load(DEMO_COURSE.read_text())["post_test"]["questions"]
    return {
        _words(question["stem"]): {
            option["text"] for option in question["options"] if option.get("correct") or option.get("weight", 0) > 0
        }
        for question in questions
    }


def the_right_answers(page, stem_id: str) -> set[str]:
    # The page says "Question 3 of 10" before the stem.
    shown = _words(page.locator(f"#{stem_id}").inner_text())
    [correct] = [texts for stem, texts in correct_options_by_stem().items() if shown.endswith(stem)]
    return correct


def test_a_learner_earns_and_verifies_a_certificate_through_the_tls_proxy(stack, browser):
    context = browser.new_context(base_url=stack.url, ignore_https_errors=True, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        home = page.goto("/")
        assert "max-age=31536000" in home.headers["strict-transport-security"]

        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(JOURNEY_LEARNER)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(re.compile(r".*/$"))
        cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]
        assert cookies["csrftoken"]["secure"]

        page.get_by_role("link", name="Catalog", exact=True).click()
        page.get_by_role("link", name="Mitigating Bias in Learner Assessment and Feedback").click()
        page.get_by_role("button", name="Enrol in this course").click()
        page.get_by_text("Northwind Biologics").wait_for()
        page.get_by_role("button", name=re.compile("I have read the disclosures")).click()

        for title in [module["title"] for module in yaml.safe_load(DEMO_COURSE.read_text())["modules"]]:
            page.get_by_role("heading", level=1, name=title).wait_for()
            page.get_by_role("button", name="Mark complete and continue").click()

        page.get_by_role("heading", name="Post-test").wait_for()
        page.get_by_role("button", name="Start the attempt").click()
        answer_post_test(page, the_right_answers)
        page.get_by_role("button", name="Submit my answers").click()
        page.get_by_text("Your score: 100.00%").wait_for()

        page.get_by_role("link", name="Continue to the evaluation").click()
        submit_evaluation(page, "I will describe what I observed before I grade it.")
        claim_credit(page, "1.75")

        # Rendered by the worker process; the status cell turns ready by itself.
        download_link = page.get_by_role("link", name=re.compile("Download PDF"))
        download_link.wait_for(timeout=90_000)
        [(code, status)] = certificate_rows(stack, JOURNEY_LEARNER)
        assert status == "ready"
        with page.expect_download() as download:
            download_link.click()
        raw = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages[0].extract_text()
        text = _words(raw)
        for expected in ("Rosa Delgado-Whitfield, MD", "1.75", SIGNATORY):
            assert expected in text

        # The link printed on the certificate is the site's public HTTPS address.
        verify_url = re.search(r"Verify at (\S+)", raw.replace("\n", "")).group(1)
        assert verify_url == f"{stack.url}/verify/{code}/"
        page.goto(verify_url)
        page.get_by_text("Valid.").wait_for()
        page.get_by_text("Rosa Delgado-Whitfield, MD").wait_for()
    except Exception:
        # Where the journey stopped, for whoever reads the failure.
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "production-learner-journey.png"), full_page=True)
        (ARTIFACTS / "production-learner-journey.html").write_text(page.content())
        raise
    finally:
        context.close()


def test_plain_http_is_sent_to_https(stack):
    # nginx answers the HTTP port with the same page's HTTPS address (port 443 in production).
    connection = http.client.HTTPConnection("127.0.0.1", stack.proxy.http_port, timeout=10)
    connection.request("GET", "/learning/?tab=done", headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    assert (response.status, response.getheader("Location")) == (301, "https://127.0.0.1/learning/?tab=done")
    connection.close()

    # And Docere itself refuses plain HTTP that reached it some other way.
    connection = http.client.HTTPConnection("127.0.0.1", stack.gunicorn_port, timeout=10)
    host = f"127.0.0.1:{stack.proxy.https_port}"
    connection.request("GET", "/learning/", headers={"Host": host, "X-Forwarded-Proto": "http"})
    response = connection.getresponse()
    assert (response.status, response.getheader("Location")) == (301, f"https://{host}/learning/")
    connection.close()
