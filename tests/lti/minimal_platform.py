"""A minimal LTI 1.3 platform, written from the specs and sharing nothing with Docere's code:
it launches a tool and checks what the tool sends back, all over HTTP on a free loopback port.

- LTI 1.3 Core / Security Framework: third-party initiated login (a form that posts to
  the tool's login URL), the OIDC authorization endpoint (checks the tool's authentication
  request, answers with a form_post of a signed id_token), and the platform's JWKS.
- Deep Linking 2.0: an LtiDeepLinkingRequest launch, and a return URL that verifies the
  tool's LtiDeepLinkingResponse with the tool's JWKS fetched over HTTP, then creates one
  resource link (and its line item) per content item.
- AGS 2.0 with the Security Framework's client credentials grant: a token endpoint that
  verifies the tool's JWT client assertion against the tool's JWKS, and a score endpoint
  per line item that takes a Bearer token carrying the score scope.

Anything it does not like is answered 400/401/403 and recorded in `problems`.
"""

import html
import json
import re
import secrets
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.lti.loopback import LoopbackServer

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
SCORE_SCOPE = AGS_SCOPES[2]
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


class Refused(Exception):
    def __init__(self, status: int, problem: str):
        super().__init__(problem)
        self.status = status


@dataclass
class Tool:
    """What the platform's administrator entered when adding the tool."""

    login_url: str
    launch_url: str
    jwks_url: str
    client_id: str = "docere-at-mercy"
    deployment_id: str = "mercy-deployment-1"


@dataclass
class Platform:
    tool: Tool | None = None
    kid: str = "mercy-2026"
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    logins: dict = field(default_factory=dict)  # login_hint → the message to launch
    resource_links: list = field(default_factory=list)  # made from deep-linking content items
    lineitems: dict = field(default_factory=dict)  # line item id → {label, scoreMaximum, scores}
    access_tokens: dict = field(default_factory=dict)  # token → scopes granted
    token_requests: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    used_assertion_ids: set = field(default_factory=set)

    # --- serving -------------------------------------------------------------------

    def start(self) -> "Platform":
        self._server = LoopbackServer(_handler_for(self)).start()
        # The issuer is the platform's own address, as most LMSs make it.
        self.url = self.issuer = self._server.url
        return self

    def stop(self) -> None:
        self._server.stop()

    # --- Core: login initiation and the authorization endpoint --------------------------

    def initiate_launch(self, *, user: str, roles: list[str], resource_link: dict | None = None) -> str:
        """The platform page that starts a launch: a form posting the third-party login
        initiation to the tool (deep linking when there is no resource link)."""
        login_hint = secrets.token_urlsafe(8)
        self.logins[login_hint] = {"user": user, "roles": roles, "resource_link": resource_link}
        fields = {
            "iss": self.issuer,
            "login_hint": login_hint,
            "target_link_uri": self.tool.launch_url,
            "lti_message_hint": "deep-link" if resource_link is None else resource_link["id"],
            "client_id": self.tool.client_id,
            "lti_deployment_id": self.tool.deployment_id,
        }
        return auto_post_form(self.tool.login_url, fields)

    def authorize(self, query: dict) -> str:
        expected = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self.tool.client_id,
            "redirect_uri": self.tool.launch_url,
        }
        wrong = {name: query.get(name) for name, value in expected.items() if query.get(name) != value}
        if wrong:
            raise Refused(400, f"authentication request: {wrong}")
        if not query.get("nonce") or not query.get("state"):
            raise Refused(400, "authentication request without nonce or state")
        message = self.logins.pop(query.get("login_hint"), None)
        if message is None:
            raise Refused(403, "login_hint this platform did not issue, or issued already")
        id_token = jwt.encode(
            self._claims(message, nonce=query["nonce"]), self.key, algorithm="RS256", headers={"kid": self.kid}
        )
        return auto_post_form(query["redirect_uri"], {"id_token": id_token, "state": query["state"]})

    def _claims(self, message: dict, *, nonce: str) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.tool.client_id,
            "azp": self.tool.client_id,
            "sub": message["user"],
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "given_name": "Ada",
            "family_name": message["user"],
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.tool.deployment_id,
            LTI + "roles": message["roles"],
            LTI + "target_link_uri": self.tool.launch_url,
            LTI + "context": {"id": "mercy-course-12", "title": "Resident teaching"},
        }
        link = message["resource_link"]
        if link is None:
            claims[LTI + "message_type"] = "LtiDeepLinkingRequest"
            claims[DL + "deep_linking_settings"] = {
                "deep_link_return_url": f"{self.url}/deep-links",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe"],
                "accept_multiple": True,
                "data": f"return-{nonce}",
            }
            return claims
        claims[LTI + "message_type"] = "LtiResourceLinkRequest"
        claims[LTI + "resource_link"] = {"id": link["id"], "title": link["title"]}
        claims[LTI + "custom"] = link["custom"]
        claims[AGS_ENDPOINT] = {
            "scope": AGS_SCOPES,
            "lineitems": f"{self.url}/lineitems",
            "lineitem": f"{self.url}/lineitems/{link['lineitem']}",
        }
        return claims

    def jwks(self) -> dict:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    # --- the tool's signatures, checked with the tool's JWKS over HTTP ---------------------

    def tool_signed(self, token: str, *, audience: str) -> dict:
        with urllib.request.urlopen(self.tool.jwks_url, timeout=10) as response:  # noqa: S310 — loopback only
            keys = json.load(response)["keys"]
        kid = jwt.get_unverified_header(token).get("kid")
        key = next((key for key in keys if key.get("kid") == kid), None)
        if key is None:
            raise Refused(401, f"kid {kid!r} is not in the tool's JWKS")
        try:
            return jwt.decode(
                token,
                RSAAlgorithm.from_jwk(json.dumps(key)),
                algorithms=["RS256"],
                audience=audience,
                issuer=self.tool.client_id,
                options={"require": ["exp", "iat"]},
            )
        except jwt.InvalidTokenError as error:
            raise Refused(401, f"tool's JWT: {error}") from error

    # --- Deep Linking 2.0: the return URL ----------------------------------------------------

    def deep_link_return(self, form: dict) -> str:
        claims = self.tool_signed(form.get("JWT", ""), audience=self.issuer)
        if (claims.get(LTI + "message_type"), claims.get(LTI + "version")) != ("LtiDeepLinkingResponse", "1.3.0"):
            raise Refused(400, "not an LTI 1.3 deep-linking response")
        if claims.get(LTI + "deployment_id") != self.tool.deployment_id or not claims.get("nonce"):
            raise Refused(400, "deep-linking response without this deployment or a nonce")
        if not str(claims.get(DL + "data", "")).startswith("return-"):
            raise Refused(400, "deep-linking response does not return the request's data")
        for item in claims.get(DL + "content_items", []):
            if item.get("type") != "ltiResourceLink":
                raise Refused(400, f"content item of type {item.get('type')!r}")
            lineitem_id = str(len(self.lineitems) + 1)
            self.lineitems[lineitem_id] = {**item.get("lineItem", {}), "scores": []}
            self.resource_links.append(
                {
                    "id": f"mercy-link-{lineitem_id}",
                    "title": item.get("title", ""),
                    "url": item.get("url"),
                    "custom": item.get("custom", {}),
                    "lineitem": lineitem_id,
                }
            )
        return "<!DOCTYPE html><title>Added</title><p>Added to the course.</p>"

    # --- AGS 2.0: token and score endpoints -------------------------------------------------

    def token(self, form: dict) -> dict:
        self.token_requests.append(form)
        if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            raise Refused(400, "token request is not a client_credentials grant with a JWT assertion")
        assertion = self.tool_signed(form.get("client_assertion", ""), audience=f"{self.url}/token")
        if assertion.get("sub") != self.tool.client_id or not assertion.get("jti"):
            raise Refused(401, "client assertion without the tool's sub or a jti")
        if assertion["jti"] in self.used_assertion_ids:
            raise Refused(401, "client assertion replayed")
        self.used_assertion_ids.add(assertion["jti"])
        scopes = form.get("scope", "").split()
        if not scopes or set(scopes) - set(AGS_SCOPES):
            raise Refused(400, f"scopes {scopes}")
        access_token = secrets.token_urlsafe(16)
        self.access_tokens[access_token] = scopes
        return {"access_token": access_token, "token_type": "Bearer", "expires_in": 3600, "scope": " ".join(scopes)}

    def score(self, lineitem_id: str, headers, body: bytes) -> None:
        lineitem = self.lineitems.get(lineitem_id)
        if lineitem is None:
            raise Refused(404, f"no line item {lineitem_id}")
        scopes = self.access_tokens.get(headers.get("Authorization", "").removeprefix("Bearer "))
        if scopes is None or SCORE_SCOPE not in scopes:
            raise Refused(401, "score posted without a token carrying the score scope")
        if headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
            raise Refused(415, f"score content type {headers.get('Content-Type')}")
        score = json.loads(body)
        missing = {"userId", "timestamp", "activityProgress", "gradingProgress"} - set(score)
        if missing or not 0 <= score.get("scoreGiven", -1) <= score.get("scoreMaximum", 0):
            raise Refused(400, f"score missing {missing} or out of range")
        lineitem["scores"].append(score)


def auto_post_form(action: str, fields: dict) -> str:
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(str(value))}">'
        for name, value in fields.items()
    )
    return (
        f'<!DOCTYPE html><title>Launching</title><form method="post" action="{html.escape(action)}">'
        f"{inputs}<button>Continue</button></form><script>document.forms[0].submit()</script>"
    )


def _handler_for(platform: Platform):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status: int, body: str, content_type: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _answer(self, work) -> None:
            try:
                status, body, content_type = 200, work(), "text/html; charset=utf-8"
                if isinstance(body, dict):
                    body, content_type = json.dumps(body), "application/json"
                elif body is None:
                    status, body = 204, ""
            except Refused as refusal:
                platform.problems.append(str(refusal))
                status, body, content_type = refusal.status, json.dumps({"error": str(refusal)}), "application/json"
            self._send(status, body, content_type)

        def do_GET(self):
            path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
            if path == "/jwks":
                self._answer(platform.jwks)
            elif path == "/authorize":
                self._answer(lambda: platform.authorize({name: values[0] for name, values in query.items()}))
            else:
                self._send(404, "", "text/plain")

        def do_POST(self):
            path = urlsplit(self.path).path
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            form = {name: values[0] for name, values in parse_qs(body.decode()).items()}
            if path == "/token":
                self._answer(lambda: platform.token(form))
            elif path == "/deep-links":
                self._answer(lambda: platform.deep_link_return(form))
            elif path.startswith("/lineitems/") and path.endswith("/scores"):
                lineitem_id = path.removeprefix("/lineitems/").removesuffix("/scores")
                self._answer(lambda: platform.score(lineitem_id, self.headers, body))
            else:
                self._send(404, "", "text/plain")

    return Handler


def form_in(page: str, *, action_contains: str = "") -> tuple[str, dict]:
    """The first form in a page (whose action contains `action_contains`): its action and fields."""
    for match in re.finditer(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>', page, re.S):
        action = html.unescape(match.group(1))
        if action_contains in action:
            fields = {
                html.unescape(name): html.unescape(value)
                for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', match.group(2))
            }
            return action, fields
    raise AssertionError(f"no form posting to …{action_contains} in the page")
