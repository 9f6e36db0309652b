"""A Redis outage on the production stack: the site degrades instead of failing.

The stack's own redis-server (cache, sessions' cache, rate limits and the Celery broker) is
stopped while learners use the site, and started again.
"""

import json
import re
import time

import pytest

from tests.nginx import Visitor
from tests.production.conftest import COLLEAGUE, DRILL_LEARNER, PASSWORD, certificate_rows

pytestmark = pytest.mark.production

COURSE = "bias-in-assessment-and-feedback"


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout:.0f} s")


def _signs_in(visitor: Visitor) -> bool | str:
    """True once signed in, else what stood in the way (the sign-in page's status)."""
    status, page = visitor.request("GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not token:
        return f"sign-in page answered {status}"
    status, _ = visitor.request(
        "POST",
        "/accounts/login/",
        form={"csrfmiddlewaretoken": token.group(1), "login": COLLEAGUE, "password": PASSWORD},
    )
    return visitor.is_signed_in_by(status) or f"sign-in answered {status}"


def test_while_redis_is_down_learners_sign_in_and_claim_and_the_certificate_follows_when_it_returns(stack):
    learner = Visitor(stack.proxy, "127.0.0.7")
    assert learner.is_signed_in_by(learner.sign_in(DRILL_LEARNER, PASSWORD)[0])
    probe = Visitor(stack.proxy, "127.0.0.8")

    stack.redis.stop()
    outage: dict[str, object] = {}
    try:
        status, body = probe.request("GET", "/healthz")
        outage["healthz"] = status
        status, body = probe.request("GET", "/readyz")
        outage["readyz"] = status
        outage["readyz failed"] = json.loads(body).get("failed") if body.startswith("{") else body[:200]
        outage["learning page"] = learner.request("GET", "/learning/")[0]
        outage["sign in"] = _signs_in(Visitor(stack.proxy, "127.0.0.9"))
        claim = f"/courses/{COURSE}/claim/"
        status, page = learner.request("GET", claim)
        outage["claim page"] = status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token:
            outage["claim"] = learner.request(
                "POST", claim, form={"csrfmiddlewaretoken": token.group(1), "credits": "1.75", "attest": "on"}
            )[0]
        outage["certificates"] = certificate_rows(stack, DRILL_LEARNER)
    finally:
        stack.redis.start()

    # Every outcome in each message, so one run shows all that does not degrade yet.
    seen = "during the outage: " + json.dumps(outage, default=str)
    assert outage["healthz"] == 200, seen
    # 503 naming what runs on Redis (the cache, the broker), and not the database.
    assert outage["readyz"] == 503, seen
    failed = outage["readyz failed"] if isinstance(outage["readyz failed"], list) else []
    assert {"cache", "broker", "redis"} & set(failed) and "database" not in failed, seen
    assert outage["learning page"] == 200, seen
    assert outage["sign in"] is True, seen
    assert outage["claim page"] == 200, seen
    assert outage.get("claim") == 302, seen
    assert [status for _, status in outage["certificates"]] == ["pending"], seen

    _wait_for(lambda: probe.request("GET", "/readyz")[0] == 200, 30, "/readyz answers 200 again")
    [(code, _)] = outage["certificates"]
    _wait_for(
        lambda: certificate_rows(stack, DRILL_LEARNER) == [(code, "ready")],
        150,
        "the certificate claimed during the outage is ready",
    )
    status, page = learner.request("GET", "/certificates/")
    assert status == 200 and re.search(r"Download PDF", page)
