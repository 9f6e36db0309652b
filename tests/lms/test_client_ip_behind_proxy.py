"""Behind the documented nginx, every rate limit counts the visitor, not the proxy.

Debian's nginx runs in front of the live server with the proxy headers docs/operations.md
prescribes. Visitors connect from different loopback addresses (all of 127.0.0.0/8 is this
machine on Linux), so nginx sees each one as a different client, as it would on the internet.
"""

import http.client
import re
import socket
import subprocess
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import yaml
from django.conf import settings as project_settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

NGINX = "/usr/sbin/nginx"
ROOT = Path(project_settings.BASE_DIR)

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def proxy(live_server, tmp_path, settings):
    """nginx on a free loopback port, proxying to the live server as the compose stack's does."""
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: `make test` installs Debian's nginx package.")
    settings.TRUSTED_PROXY_COUNT = 1
    upstream = live_server.url
    port = _free_port()
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / folder).mkdir()
    proxied = f"""
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;"""
    config = tmp_path / "nginx.conf"
    config.write_text(f"""
        daemon off;
        # One process that never changes user, so it can write its temp folders under tmp_path.
        master_process off;
        worker_processes 1;
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log warn;
        events {{ worker_connections 64; }}
        http {{
            access_log off;
            client_body_temp_path {tmp_path}/client_body;
            proxy_temp_path {tmp_path}/proxy;
            fastcgi_temp_path {tmp_path}/fastcgi;
            uwsgi_temp_path {tmp_path}/uwsgi;
            scgi_temp_path {tmp_path}/scgi;
            server {{
                listen 127.0.0.1:{port};
                client_max_body_size 20m;
                location /verify/ {{
                    client_max_body_size 2m;{proxied}
                }}
                location / {{{proxied}
                }}
            }}
        }}
    """)
    server = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "error.log")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {server.stderr.read().decode()}") from None
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


class Visitor:
    """A browser on its own address: cookies kept, every request through the proxy."""

    def __init__(self, proxy_port: int, address: str):
        self.proxy_port = proxy_port
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, form: dict | None = None,
                headers: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.proxy_port, timeout=10,
                                                source_address=(self.address, 0))
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.read().decode()
        finally:
            connection.close()

    def sign_in(self, email: str, password: str, *, headers: dict | None = None) -> tuple[int, str]:
        _, page = self.request("GET", reverse("account_login"), headers=headers)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request("POST", reverse("account_login"), headers=headers,
                            form={"csrfmiddlewaretoken": token, "login": email, "password": password})


def _is_signed_in(status: int, visitor: Visitor) -> bool:
    return status == 302 and "sessionid" in visitor.cookies


def test_failed_logins_from_one_visitor_do_not_lock_out_another(proxy):
    guesser = Visitor(proxy, "127.0.0.2")
    UserFactory(email="guesser@example.org")
    UserFactory(email="colleague@example.org")
    # Wrong passwords for eleven different accounts: over the per-address limit (10 a
    # minute) and under the per-account one, so only the address can be what is counted.
    for attempt in range(11):
        status, page = guesser.sign_in(f"someone{attempt}@example.org", "not-the-password")
        assert status in (200, 429) and not _is_signed_in(status, guesser)
    status, page = guesser.sign_in("guesser@example.org", PASSWORD)
    assert not _is_signed_in(status, guesser)
    assert "Too many failed login attempts" in page or status == 429

    colleague = Visitor(proxy, "127.0.0.3")
    status, _ = colleague.sign_in("colleague@example.org", PASSWORD)
    assert _is_signed_in(status, colleague)


def test_a_visitor_who_forges_x_forwarded_for_is_still_counted_by_its_own_address(proxy):
    UserFactory(email="forger@example.org")
    forger = Visitor(proxy, "127.0.0.4")
    for attempt in range(11):
        # A new made-up address each time: the proxy appends the real one, which is what counts.
        forged = {"X-Forwarded-For": f"198.51.100.{attempt + 1}"}
        forger.sign_in(f"someone{attempt}@example.org", "not-the-password", headers=forged)
    status, page = forger.sign_in("forger@example.org", PASSWORD, headers={"X-Forwarded-For": "203.0.113.200"})
    assert not _is_signed_in(status, forger)
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
