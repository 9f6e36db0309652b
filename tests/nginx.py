"""Debian's nginx in front of a Docere under test, configured by deploy/nginx/docere.conf.template,
the file docs/operations.md tells operators to install, and visitors that reach it from
addresses of their own.

All of 127.0.0.0/8 is this machine on Linux, so a visitor bound to 127.0.0.2 and one bound to
127.0.0.3 are two different clients to nginx, as two people on the internet would be.
"""

import contextlib
import datetime
import http.client
import ipaddress
import re
import socket
import ssl
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NGINX = "/usr/sbin/nginx"
TEMPLATE = Path(__file__).resolve().parents[1] / "deploy" / "nginx" / "docere.conf.template"
PLACEHOLDER = re.compile(r"\$\{(DOCERE_[A-Z_]+)\}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start listening on {port}") from None
            time.sleep(0.05)


def throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, valid for a day, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_file, key_file = folder / "certificate.pem", folder / "key.pem"
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certificate_file, key_file


def render_site(**values: str) -> str:
    """The template with every placeholder filled; a placeholder left unfilled is an error, so
    the template cannot grow one the tests do not know about."""
    text = TEMPLATE.read_text()
    missing = sorted(set(PLACEHOLDER.findall(text)) - values.keys())
    if missing:
        raise KeyError(f"{TEMPLATE.name} needs values for {missing}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


@dataclass
class Proxy:
    https_port: int
    http_port: int
    certificate: Path
    folder: Path

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def ssl_context(self) -> ssl.SSLContext:
        """Trusts the throw-away certificate and nothing else, so TLS is really verified."""
        return ssl.create_default_context(cafile=str(self.certificate))


@contextlib.contextmanager
def running_nginx(folder: Path, *, upstream: str) -> Iterator[Proxy]:
    """nginx on two free loopback ports (HTTPS and the HTTP redirect), proxying to `upstream`
    (host:port) with deploy/nginx/docere.conf.template and a throw-away certificate."""
    if not Path(NGINX).exists():
        raise RuntimeError(f"{NGINX} is missing: `make test` installs Debian's nginx package.")
    folder.mkdir(parents=True, exist_ok=True)
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir(exist_ok=True)
    certificate, key = throwaway_certificate(folder)
    https_port, http_port = free_port(), free_port()
    site = render_site(
        DOCERE_SERVER_NAME="127.0.0.1",
        DOCERE_HTTP_LISTEN=f"127.0.0.1:{http_port}",
        DOCERE_HTTPS_LISTEN=f"127.0.0.1:{https_port}",
        DOCERE_TLS_CERTIFICATE=str(certificate),
        DOCERE_TLS_CERTIFICATE_KEY=str(key),
        DOCERE_UPSTREAM=upstream,
    )
    config = folder / "nginx.conf"
    # What Debian's /etc/nginx/nginx.conf provides around a site, cut down to run unprivileged:
    # one process that never changes user, so it can write its temp folders here.
    config.write_text(f"""
        daemon off;
        master_process off;
        worker_processes 1;
        pid {folder}/nginx.pid;
        error_log {folder}/error.log warn;
        events {{ worker_connections 256; }}
        http {{
            access_log off;
            client_body_temp_path {folder}/client_body;
            proxy_temp_path {folder}/proxy;
            fastcgi_temp_path {folder}/fastcgi;
            uwsgi_temp_path {folder}/uwsgi;
            scgi_temp_path {folder}/scgi;
            {site}
        }}
    """)
    server = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        try:
            wait_for_port(https_port, server, "nginx")
        except RuntimeError as error:
            server.terminate()
            raise RuntimeError(f"{error}: {server.communicate(timeout=10)[1].decode()}") from None
        yield Proxy(https_port=https_port, http_port=http_port, certificate=certificate, folder=folder)
    finally:
        server.terminate()
        server.wait(timeout=10)


class Visitor:
    """A browser on its own address: cookies kept, every request over HTTPS through the proxy."""

    def __init__(self, proxy: Proxy, address: str, *, timeout: float = 15):
        self.proxy = proxy
        self.address = address
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.last_headers: http.client.HTTPMessage | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        body: bytes | None = None,
        headers: dict | None = None,
    ) -> tuple[int, str]:
        connection = http.client.HTTPSConnection(
            "127.0.0.1",
            self.proxy.https_port,
            timeout=self.timeout,
            source_address=(self.address, 0),
            context=self.proxy.ssl_context(),
        )
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        # What a browser sends with a form post; Django's CSRF check compares it over HTTPS.
        if method == "POST":
            sent.setdefault("Referer", f"{self.proxy.url}{path}")
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            self.last_headers = response.headers
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.read().decode(errors="replace")
        finally:
            connection.close()

    def csrf_token(self, path: str, *, headers: dict | None = None) -> str:
        _, page = self.request("GET", path, headers=headers)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def sign_in(self, email: str, password: str, *, headers: dict | None = None) -> tuple[int, str]:
        token = self.csrf_token("/accounts/login/", headers=headers)
        return self.request(
            "POST",
            "/accounts/login/",
            headers=headers,
            form={"csrfmiddlewaretoken": token, "login": email, "password": password},
        )

    def is_signed_in_by(self, status: int) -> bool:
        return status == 302 and "sessionid" in self.cookies
