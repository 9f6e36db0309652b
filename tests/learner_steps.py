"""What a learner does in the browser, step by step, shared by the journeys that run against
the test server (tests/e2e) and against the production stack (tests/production)."""

import re
from collections.abc import Callable, Iterable


def answer_post_test(page, pick: Callable[[object, str], Iterable[str]]) -> None:
    """Click the options `pick(page, stem_id)` names in every question, as a learner does,
    waiting for each autosave, and reload halfway and at the end: every answer chosen before a
    reload must come back checked."""
    stem_ids = [fieldset.get_attribute("aria-labelledby") for fieldset in page.locator("fieldset.question").all()]
    assert len(stem_ids) == 10
    chosen: dict[str, list[str]] = {}
    for index, stem_id in enumerate(stem_ids):
        if index == len(stem_ids) // 2:
            page.reload()
            assert_answers_checked(page, chosen)
        chosen[stem_id] = list(pick(page, stem_id))
        fieldset = page.locator(f"fieldset[aria-labelledby='{stem_id}']")
        for text in chosen[stem_id]:
            with page.expect_response(re.compile(r"/answer/$")) as saved:
                fieldset.get_by_label(text, exact=True).click()
            assert saved.value.status == 200, saved.value.text()
            fieldset.get_by_text("Answer saved.").wait_for()
    assert page.locator(".autosave-error").count() == 0
    page.reload()
    assert_answers_checked(page, chosen)


def assert_answers_checked(page, chosen: dict[str, list[str]]) -> None:
    for stem_id, texts in chosen.items():
        fieldset = page.locator(f"fieldset[aria-labelledby='{stem_id}']")
        for text in texts:
            assert fieldset.get_by_label(text, exact=True).is_checked(), f"{stem_id} lost “{text}”"


def submit_evaluation(page, comment: str) -> None:
    for fieldset in page.locator("form fieldset").all():
        fieldset.get_by_label(re.compile("Agree$")).check()
    for textarea in page.locator("form textarea").all():
        textarea.fill(comment)
    page.get_by_role("button", name="Submit the evaluation").click()
    page.get_by_role("heading", name="My learning").wait_for()


def claim_credit(page, credits: str) -> None:
    page.get_by_role("link", name=re.compile("Claim credit")).click()
    page.get_by_label("Credits to claim").fill(credits)
    page.get_by_label(re.compile("I attest")).check()
    page.get_by_role("button", name="Claim credit").click()
