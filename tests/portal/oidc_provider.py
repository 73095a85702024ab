"""A minimal OpenID Connect provider on 127.0.0.1 for tests (authorization code + PKCE,
RS256 ID tokens signed with a fresh key). Knobs let a test make it misbehave."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@functools.cache
def _keys():
    """Two RSA keys (the provider's and a forger's), made once per test run."""
    return tuple(rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in "ab")


class LocalOIDCProvider:
    client_id = "motcua-portal"
    client_secret = "bi-mat-thu-nghiem"  # noqa: S105 - test provider

    def __init__(self):
        self.key, self.other_key = _keys()
        self.kid = "k1"
        self.codes: dict[str, dict] = {}
        self.user = {
            "sub": "VNEID-0001",
            "name": "Trần Thị Bình",
            "email": "binh@example.vn",
            "email_verified": True,
            "phone_number": "0987654321",
            "citizen_id": "001190012345",
        }
        self.tamper: str = ""  # "signature", "nonce", "aud", "iss", "expired", "alg_none"
        self.token_requests: list[dict] = []
        self.gets: list[str] = []  # paths of the GET requests served
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> LocalOIDCProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def jwks(self) -> dict:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": self.kid,
                    "n": _int_b64(numbers.n),
                    "e": _int_b64(numbers.e),
                }
            ]
        }

    def sign(self, claims: dict, *, key=None, alg: str = "RS256") -> str:
        header = {"alg": alg, "typ": "JWT", "kid": self.kid}
        head = b64url(json.dumps(header).encode())
        body = b64url(json.dumps(claims).encode())
        signing_input = f"{head}.{body}".encode()
        if alg == "none":
            return f"{head}.{body}."
        signature = (key or self.key).sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return f"{head}.{body}.{b64url(signature)}"

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            **self.user,
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
        }
        if self.tamper == "nonce":
            claims["nonce"] = "khac"
        elif self.tamper == "aud":
            claims["aud"] = "ung-dung-khac"
        elif self.tamper == "iss":
            claims["iss"] = "https://gia-mao.example"
        elif self.tamper == "expired":
            claims["exp"] = now - 3600
        if self.tamper == "signature":
            return self.sign(claims, key=self.other_key)
        if self.tamper == "alg_none":
            return self.sign(claims, alg="none")
        return self.sign(claims)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                url = urllib.parse.urlsplit(self.path)
                provider.gets.append(url.path)
                if url.path == "/.well-known/openid-configuration":
                    return self._json(
                        200,
                        {
                            "issuer": provider.issuer,
                            "authorization_endpoint": f"{provider.issuer}/authorize",
                            "token_endpoint": f"{provider.issuer}/token",
                            "jwks_uri": f"{provider.issuer}/jwks",
                            "response_types_supported": ["code"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "code_challenge_methods_supported": ["S256"],
                        },
                    )
                if url.path == "/jwks":
                    return self._json(200, provider.jwks())
                if url.path == "/authorize":
                    q = dict(urllib.parse.parse_qsl(url.query))
                    if (
                        q.get("client_id") != provider.client_id
                        or q.get("code_challenge_method") != "S256"
                    ):
                        return self._json(400, {"error": "invalid_request"})
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = q
                    target = (
                        q["redirect_uri"]
                        + "?"
                        + urllib.parse.urlencode({"code": code, "state": q["state"]})
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                return self._json(404, {"error": "not_found"})

            def do_POST(self):  # noqa: N802
                if self.path != "/token":
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                provider.token_requests.append(form)
                expected = base64.b64encode(
                    f"{provider.client_id}:{provider.client_secret}".encode()
                ).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._json(401, {"error": "invalid_client"})
                grant = provider.codes.pop(form.get("code", ""), None)
                if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._json(400, {"error": "invalid_grant"})
                verifier = form.get("code_verifier", "")
                challenge = b64url(hashlib.sha256(verifier.encode()).digest())
                if challenge != grant["code_challenge"]:
                    return self._json(400, {"error": "invalid_grant", "detail": "pkce"})
                return self._json(
                    200,
                    {
                        "access_token": secrets.token_urlsafe(16),
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider.id_token(grant["nonce"]),
                    },
                )

        return Handler
