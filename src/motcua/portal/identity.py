"""Pluggable identity providers for citizen login (the national identity login, VNeID, is
an OpenID Connect provider).

Configured in settings, one entry per provider::

    MOTCUA_IDENTITY_PROVIDERS = {
        "vneid": {
            "class": "motcua.portal.identity.OIDCProvider",   # the default
            "label": "Tài khoản định danh điện tử (VNeID)",
            "issuer": "https://sso.example.gov.vn",
            "client_id": "...",
            "client_secret": "...",
            "scopes": "openid profile email phone",
            "id_number_claim": "citizen_id",                    # claim with the 12-digit ID
        }
    }

A provider implements ``IdentityProvider``: ``start`` returns the URL to send the browser
to (and keeps what it needs in the session), ``finish`` checks the callback and returns an
``Identity``. ``OIDCProvider`` is the authorization-code flow with discovery, state, nonce,
PKCE (S256), client_secret_basic token exchange and ID token signature and claim checks.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from motcua.core.errors import DomainError, NotFound
from motcua.portal.errors import PortalError

SESSION_KEY = "motcua_oidc"
FLOW_TTL = 600  # seconds a login may take between start and callback
LEEWAY = 60  # clock skew tolerated on exp / iat / nbf


class IdentityError(DomainError):
    code = PortalError.IDENTITY_ERROR
    status = 400
    default_message = "Không đăng nhập được qua nhà cung cấp định danh. Vui lòng thử lại."


@dataclass(frozen=True)
class Identity:
    subject: str
    name: str = ""
    email: str = ""
    email_verified: bool = False
    phone: str = ""
    id_number: str = ""
    claims: dict | None = None


class IdentityProvider:
    """The interface every identity provider implements."""

    key: str
    label: str

    def __init__(self, key: str, config: dict[str, Any]):
        self.key = key
        self.config = config
        self.label = config.get("label", key)

    def start(self, request, *, redirect_uri: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def finish(self, request, *, redirect_uri: str) -> Identity:  # pragma: no cover
        raise NotImplementedError


def configured() -> dict[str, dict]:
    return dict(getattr(settings, "MOTCUA_IDENTITY_PROVIDERS", {}) or {})


def provider(key: str) -> IdentityProvider:
    config = configured().get(key)
    if config is None:
        raise NotFound(
            "Không có nhà cung cấp định danh này.", code=PortalError.IDENTITY_PROVIDER_UNKNOWN
        )
    cls = import_string(config.get("class", "motcua.portal.identity.OIDCProvider"))
    return cls(key, config)


def providers() -> list[IdentityProvider]:
    return [provider(key) for key in configured()]


# ---------------------------------------------------------------- helpers


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pkce_challenge(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode()).digest())


def _check_url(url: str) -> str:
    """https only, except plain http to this machine (development and tests)."""
    parts = urllib.parse.urlsplit(url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise IdentityError(
            "Địa chỉ nhà cung cấp định danh phải dùng https.", code=PortalError.OIDC_URL
        )
    return url


def _http_json(url: str, *, data: dict | None = None, headers: dict | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - scheme checked by _check_url
        _check_url(url), data=body, headers={"Accept": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:200]
        raise IdentityError(
            f"Nhà cung cấp định danh từ chối yêu cầu ({error.code}).",
            code=PortalError.OIDC_HTTP,
            detail=detail,
        ) from error
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise IdentityError(
            "Không kết nối được nhà cung cấp định danh.", code=PortalError.OIDC_UNREACHABLE
        ) from error


# ---------------------------------------------------------------- JWS verification

_RSA_PKCS1 = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
_RSA_PSS = {"PS256": hashes.SHA256, "PS384": hashes.SHA384, "PS512": hashes.SHA512}
_EC = {
    "ES256": (hashes.SHA256, ec.SECP256R1, 32),
    "ES384": (hashes.SHA384, ec.SECP384R1, 48),
    "ES512": (hashes.SHA512, ec.SECP521R1, 66),
}
ALGORITHMS = (*_RSA_PKCS1, *_RSA_PSS, *_EC)


def _int(value: str) -> int:
    return int.from_bytes(b64url_decode(value), "big")


def _verify_signature(alg: str, jwk: dict, signing_input: bytes, signature: bytes) -> bool:
    try:
        if alg in _RSA_PKCS1 or alg in _RSA_PSS:
            if jwk.get("kty") != "RSA":
                return False
            key = rsa.RSAPublicNumbers(_int(jwk["e"]), _int(jwk["n"])).public_key()
            if alg in _RSA_PKCS1:
                key.verify(signature, signing_input, padding.PKCS1v15(), _RSA_PKCS1[alg]())
            else:
                digest = _RSA_PSS[alg]()
                key.verify(
                    signature,
                    signing_input,
                    padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size),
                    digest,
                )
            return True
        if alg in _EC:
            digest, curve, size = _EC[alg]
            if jwk.get("kty") != "EC" or len(signature) != 2 * size:
                return False
            key = ec.EllipticCurvePublicNumbers(
                _int(jwk["x"]), _int(jwk["y"]), curve()
            ).public_key()
            der = encode_dss_signature(
                int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            )
            key.verify(der, signing_input, ec.ECDSA(digest()))
            return True
    except (InvalidSignature, KeyError, ValueError):
        return False
    return False


def verify_id_token(
    token: str,
    *,
    jwks: dict,
    issuer: str,
    client_id: str,
    nonce: str,
    now: float | None = None,
    refresh_jwks=None,
) -> dict:
    """The claims of a signed ID token, after checking signature, iss, aud, azp, exp, nonce."""
    invalid = IdentityError(
        "Mã định danh (ID token) không hợp lệ.", code=PortalError.ID_TOKEN_INVALID
    )
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(b64url_decode(header_b64))
        claims = json.loads(b64url_decode(payload_b64))
        signature = b64url_decode(signature_b64)
    except (ValueError, TypeError) as error:
        raise invalid from error
    alg = header.get("alg")
    if alg not in ALGORITHMS:  # never "none", never HMAC with a public key
        raise invalid
    signing_input = f"{header_b64}.{payload_b64}".encode()

    def candidates(keys: dict) -> list[dict]:
        found = [
            k
            for k in keys.get("keys", [])
            if (header.get("kid") is None or k.get("kid") == header.get("kid"))
            and k.get("use", "sig") == "sig"
        ]
        return found

    keys = candidates(jwks)
    if not keys and refresh_jwks is not None:  # the provider rotated its keys
        keys = candidates(refresh_jwks())
    if not any(_verify_signature(alg, k, signing_input, signature) for k in keys):
        raise IdentityError(
            "Chữ ký của mã định danh không hợp lệ.", code=PortalError.ID_TOKEN_SIGNATURE
        )
    now = time.time() if now is None else now
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    checks = [
        claims.get("iss") == issuer,
        client_id in audiences,
        len(audiences) == 1 or claims.get("azp") == client_id,
        isinstance(claims.get("exp"), int | float) and claims["exp"] > now - LEEWAY,
        not isinstance(claims.get("nbf"), int | float) or claims["nbf"] <= now + LEEWAY,
        isinstance(claims.get("iat"), int | float) and claims["iat"] <= now + LEEWAY,
        isinstance(claims.get("sub"), str) and bool(claims.get("sub")),
        secrets.compare_digest(str(claims.get("nonce", "")), nonce),
    ]
    if not all(checks):
        raise invalid
    return claims


# ---------------------------------------------------------------- OpenID Connect


class OIDCProvider(IdentityProvider):
    """OpenID Connect authorization-code flow (confidential client, PKCE S256)."""

    def __init__(self, key: str, config: dict[str, Any]):
        super().__init__(key, config)
        self.issuer = config["issuer"].rstrip("/")
        self.client_id = config["client_id"]
        self.client_secret = config.get("client_secret", "")
        self.scopes = config.get("scopes", "openid profile email phone")
        self.id_number_claim = config.get("id_number_claim", "citizen_id")
        self.cache_seconds = int(config.get("cache_seconds", 3600))

    def metadata(self) -> dict:
        """The provider's discovery document, fetched once an hour (checked before caching)."""
        key = f"motcua:oidc:metadata:{self.issuer}"
        data = cache.get(key)
        if data is None:
            data = _http_json(f"{self.issuer}/.well-known/openid-configuration")
            if data.get("issuer", "").rstrip("/") != self.issuer:
                raise IdentityError(
                    "Cấu hình nhà cung cấp định danh không khớp.",
                    code=PortalError.OIDC_ISSUER_MISMATCH,
                )
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                _check_url(data.get(name) or "")
            cache.set(key, data, self.cache_seconds)
        return data

    def jwks(self, *, fresh: bool = False) -> dict:
        """The signing keys, cached; ``fresh`` re-reads them (a token signed by a new key)."""
        key = f"motcua:oidc:jwks:{self.issuer}"
        data = None if fresh else cache.get(key)
        if data is None:
            data = _http_json(self.metadata()["jwks_uri"])
            cache.set(key, data, self.cache_seconds)
        return data

    def start(self, request, *, redirect_uri: str) -> str:
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)
        flows = {
            s: f
            for s, f in request.session.get(SESSION_KEY, {}).items()
            if f.get("started", 0) > time.time() - FLOW_TTL
        }
        flows[state] = {
            "provider": self.key,
            "nonce": nonce,
            "verifier": verifier,
            "redirect_uri": redirect_uri,
            "started": time.time(),
        }
        request.session[SESSION_KEY] = flows
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": self.scopes,
                "state": state,
                "nonce": nonce,
                "code_challenge": pkce_challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        endpoint = self.metadata()["authorization_endpoint"]
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    def finish(self, request, *, redirect_uri: str) -> Identity:
        state = request.GET.get("state", "")
        flows = request.session.get(SESSION_KEY, {})
        flow = flows.pop(state, None) if state else None
        request.session[SESSION_KEY] = flows
        if (
            flow is None
            or flow["provider"] != self.key
            or flow["started"] < time.time() - FLOW_TTL
            or flow["redirect_uri"] != redirect_uri
        ):
            raise IdentityError(
                "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng thử lại.",
                code=PortalError.OIDC_STATE,
            )
        if request.GET.get("error"):
            raise IdentityError(
                "Bạn đã hủy hoặc nhà cung cấp từ chối đăng nhập.", code=PortalError.OIDC_DENIED
            )
        code = request.GET.get("code", "")
        if not code:
            raise IdentityError("Thiếu mã xác thực.", code=PortalError.OIDC_CODE_MISSING)
        metadata = self.metadata()
        basic = base64.b64encode(
            f"{urllib.parse.quote(self.client_id, safe='')}:"
            f"{urllib.parse.quote(self.client_secret, safe='')}".encode()
        ).decode()
        tokens = _http_json(
            metadata["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": flow["verifier"],
            },
            headers={"Authorization": f"Basic {basic}"},
        )
        id_token = tokens.get("id_token")
        if not id_token:
            raise IdentityError(
                "Nhà cung cấp không trả mã định danh.", code=PortalError.ID_TOKEN_MISSING
            )
        claims = verify_id_token(
            id_token,
            jwks=self.jwks(),
            refresh_jwks=lambda: self.jwks(fresh=True),
            issuer=self.issuer,
            client_id=self.client_id,
            nonce=flow["nonce"],
        )
        return Identity(
            subject=claims["sub"],
            name=claims.get("name", ""),
            email=claims.get("email", ""),
            email_verified=bool(claims.get("email_verified")),
            phone=claims.get("phone_number", ""),
            id_number=str(claims.get(self.id_number_claim, "") or ""),
            claims=claims,
        )
