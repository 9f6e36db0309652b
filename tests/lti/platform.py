"""A simulated LTI 1.3 platform for offline tests: its own RSA key and JWKS, an OAuth2
token endpoint and a line item's score endpoint, served on 127.0.0.1 only, and id_tokens
signed with the claims a real platform sends."""

import json
import time
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.lti.loopback import LoopbackServer

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakePlatform:
    client_id = "docere-at-lakeside"
    deployment_id = "lakeside-deployment-1"
    kid = "lakeside-key-1"

    def __init__(self):
        self.key = new_key()
        self.requests: list[dict] = []
        self.score_status = 200
        self._server = LoopbackServer(self._handler())
        self.url = self._server.url

    # --- the platform's HTTP side -------------------------------------------------

    def start(self) -> "FakePlatform":
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def issuer(self) -> str:
        return self.url

    @property
    def lineitem(self) -> str:
        return f"{self.url}/courses/7/lineitems/42/lineitem"

    def jwks(self) -> dict:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                platform.requests.append({"method": "GET", "path": self.path, "headers": dict(self.headers)})
                if self.path == "/jwks":
                    self._reply(200, platform.jwks())
                else:
                    self._reply(404, {"error": "not found"})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                platform.requests.append(
                    {"method": "POST", "path": self.path, "headers": dict(self.headers), "body": body}
                )
                if self.path == "/token":
                    self._reply(
                        200,
                        {
                            "access_token": "platform-token-1",
                            "token_type": "Bearer",
                            "expires_in": 3600,
                            "scope": parse_qs(body).get("scope", [""])[0],
                        },
                    )
                elif self.path.endswith("/scores"):
                    self._reply(platform.score_status, {})
                else:
                    self._reply(404, {"error": "not found"})

        return Handler

    # --- what the platform signs --------------------------------------------------

    def id_token(
        self,
        *,
        nonce: str,
        sub: str = "lakeside-user-1001",
        roles=(LEARNER,),
        message_type: str = "LtiResourceLinkRequest",
        deployment_id: str | None = None,
        key=None,
        expires_in: int = 300,
        custom: dict | None = None,
        ags: bool = True,
        email: str = "ines.halvorsen@lakeside.example",
        extra: dict | None = None,
        kid: str | None = None,
        algorithm: str = "RS256",
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": sub,
            "nonce": nonce,
            "iat": now,
            "exp": now + expires_in,
            "azp": self.client_id,
            "name": "Ines Halvorsen",
            "given_name": "Ines",
            "family_name": "Halvorsen",
            "email": email,
            "https://purl.imsglobal.org/spec/lti/claim/message_type": message_type,
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            "https://purl.imsglobal.org/spec/lti/claim/deployment_id": deployment_id or self.deployment_id,
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": "http://testserver/lti/launch/",
            "https://purl.imsglobal.org/spec/lti/claim/roles": list(roles),
            "https://purl.imsglobal.org/spec/lti/claim/context": {
                "id": "course-7",
                "label": "MED-701",
                "title": "Clinical teaching",
                "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            },
            "https://purl.imsglobal.org/spec/lti/claim/tool_platform": {
                "guid": "lakeside-lms",
                "name": "Lakeside LMS",
                "product_family_code": "simulated",
            },
            "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {"document_target": "iframe"},
        }
        if message_type == "LtiResourceLinkRequest":
            claims["https://purl.imsglobal.org/spec/lti/claim/resource_link"] = {"id": "link-501", "title": "Docere"}
        if message_type == "LtiDeepLinkingRequest":
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": f"{self.url}/deep_links",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": True,
                "data": "opaque-platform-data",
            }
        if custom:
            claims["https://purl.imsglobal.org/spec/lti/claim/custom"] = custom
        if ags:
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": [LINEITEM_SCOPE, SCORE_SCOPE],
                "lineitems": f"{self.url}/courses/7/lineitems",
                "lineitem": self.lineitem,
            }
        claims.update(extra or {})
        signing_key = None if algorithm == "none" else key or self.key
        return jwt.encode(claims, signing_key, algorithm=algorithm, headers={"kid": kid or self.kid})


def new_nonce() -> str:
    return uuid.uuid4().hex
