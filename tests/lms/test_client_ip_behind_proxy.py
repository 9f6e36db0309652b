"""Behind the documented nginx, every rate limit counts the visitor, not the proxy.

Debian's nginx runs in front of the live server with deploy/nginx/docere.conf.template, the
configuration docs/operations.md prescribes. Visitors connect from different loopback
addresses, so nginx sees each one as a different client, as it would on the internet.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings as project_settings

from tests.factories import PASSWORD, UserFactory
from tests.nginx import TEMPLATE, Visitor, running_nginx

ROOT = Path(project_settings.BASE_DIR)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proxy(live_server, tmp_path, settings):
    """nginx on free loopback ports, proxying to the live server as the documented one does."""
    settings.TRUSTED_PROXY_COUNT = 1
    with running_nginx(tmp_path / "nginx", upstream=urlsplit(live_server.url).netloc) as running:
        yield running


def test_failed_logins_from_one_visitor_do_not_lock_out_another(proxy):
    guesser = Visitor(proxy, "127.0.0.2")
    UserFactory(email="guesser@example.org")
    UserFactory(email="colleague@example.org")
    # Wrong passwords for eleven different accounts: over the per-address limit (10 a
    # minute) and under the per-account one, so only the address can be what is counted.
    for attempt in range(11):
        status, page = guesser.sign_in(f"someone{attempt}@example.org", "not-the-password")
        assert status in (200, 429) and not guesser.is_signed_in_by(status)
    status, page = guesser.sign_in("guesser@example.org", PASSWORD)
    assert not guesser.is_signed_in_by(status)
    assert "Too many failed login attempts" in page or status == 429

    colleague = Visitor(proxy, "127.0.0.3")
    status, _ = colleague.sign_in("colleague@example.org", PASSWORD)
    assert colleague.is_signed_in_by(status)


def test_a_visitor_who_forges_x_forwarded_for_is_still_counted_by_its_own_address(proxy):
    UserFactory(email="forger@example.org")
    forger = Visitor(proxy, "127.0.0.4")
    for attempt in range(11):
        # A new made-up address each time: the proxy appends the real one, which is what counts.
        forged = {"X-Forwarded-For": f"198.51.100.{attempt + 1}"}
        forger.sign_in(f"someone{attempt}@example.org", "not-the-password", headers=forged)
    status, page = forger.sign_in("forger@example.org", PASSWORD, headers={"X-Forwarded-For": "203.0.113.200"})
    assert not forger.is_signed_in_by(status)
    assert "Too many failed login attempts" in page or status == 429


def test_one_visitor_over_the_verification_limit_leaves_others_able_to_verify(proxy):
    scraper = Visitor(proxy, "127.0.0.5")
    # The limit is 30 a minute; two windows at most stand between the scraper and a 429.
    statuses = []
    while 429 not in statuses and len(statuses) < 62:
        statuses.append(scraper.request("GET", "/verify/ZZZZZZZZZZ/")[0])
    assert statuses[-1] == 429
    assert scraper.request("GET", "/verify/ZZZZZZZZZZ/", headers={"X-Forwarded-For": "198.51.100.9"})[0] == 429

    reader = Visitor(proxy, "127.0.0.6")
    status, page = reader.request("GET", "/verify/ZZZZZZZZZZ/")
    assert status == 404
    assert "No certificate with this code has been issued" in page


def test_the_compose_stack_trusts_its_one_proxy_and_is_reached_only_through_it():
    assert "\nTRUSTED_PROXY_COUNT=1\n" in (ROOT / ".env.example").read_text()
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    assert all(str(port).startswith("127.0.0.1:") for port in web["ports"])


def test_the_operations_guide_shows_the_nginx_configuration_the_tests_run():
    guide = (ROOT / "docs" / "operations.md").read_text()
    shown = re.findall(r"```nginx\n(.*?)```", guide, re.DOTALL)
    assert shown == [TEMPLATE.read_text()]
