"""Login through an OpenID Connect identity provider started by the test on 127.0.0.1:
discovery, state + nonce + PKCE, token exchange, ID token signature and claims checked."""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.core.cache import cache

from motcua.portal import identity
from motcua.portal.identity import IdentityError, pkce_challenge, verify_id_token
from motcua.portal.models import Citizen, ExternalIdentity
from tests.portal.oidc_provider import LocalOIDCProvider, b64url

pytestmark = pytest.mark.django_db


@pytest.fixture
def idp(settings):
    cache.clear()  # discovery and keys are cached per issuer
    provider = LocalOIDCProvider().start()
    settings.MOTCUA_IDENTITY_PROVIDERS = {
        "vneid": {
            "label": "Tài khoản định danh điện tử (VNeID)",
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
        }
    }
    yield provider
    provider.stop()


def authorize(location: str) -> str:
    """Follow the browser's trip to the provider; return the callback path with its query."""
    url = urllib.parse.urlsplit(location)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    connection.request("GET", f"{url.path}?{url.query}")
    response = connection.getresponse()
    assert response.status == 302, response.read()
    callback = urllib.parse.urlsplit(response.getheader("Location"))
    connection.close()
    return f"{callback.path}?{callback.query}"


def login_through(client, idp) -> tuple:
    start = client.get("/tai-khoan/dinh-danh/vneid/?next=/ca-nhan/")
    assert start.status_code == 302
    assert start["Location"].startswith(idp.issuer + "/authorize?")
    return start, client.get(authorize(start["Location"]))


def test_first_login_creates_a_verified_citizen_with_the_national_id(client, idp):
    # when
    start, done = login_through(client, idp)
    # then: the request carried state, nonce and an S256 PKCE challenge
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start["Location"]).query))
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    [token_request] = idp.token_requests
    assert pkce_challenge(token_request["code_verifier"]) == query["code_challenge"]
    assert token_request["redirect_uri"] == "http://testserver/tai-khoan/dinh-danh/vneid/callback/"
    # and the citizen is logged in
    assert done.status_code == 302 and done["Location"] == "/ca-nhan/"
    citizen = Citizen.objects.get(user__external_identities__subject="VNEID-0001")
    assert citizen.is_verified
    assert citizen.id_number == "001190012345"
    assert citizen.user.get_full_name() == "Trần Thị Bình"
    assert citizen.user.email == "binh@example.vn"
    assert not citizen.user.has_usable_password()
    assert client.get("/ca-nhan/").status_code == 200


def test_a_second_login_is_the_same_account(client, idp):
    login_through(client, idp)
    client.logout()
    login_through(client, idp)
    assert ExternalIdentity.objects.count() == 1
    assert Citizen.objects.count() == 1


def test_discovery_and_keys_are_fetched_once_and_again_when_the_keys_rotate(client, idp):
    # given two logins
    for _ in range(2):
        client.logout()
        _, done = login_through(client, idp)
        assert done.status_code == 302 and done["Location"] == "/ca-nhan/"
    # then the discovery document and the keys were fetched once
    assert idp.gets.count("/.well-known/openid-configuration") == 1
    assert idp.gets.count("/jwks") == 1
    # when the provider signs with a new key
    idp.key, idp.kid = idp.other_key, "k2"
    client.logout()
    _, done = login_through(client, idp)
    # then the unknown key id makes the keys be read again, and the login works
    assert done.status_code == 302 and done["Location"] == "/ca-nhan/"
    assert idp.gets.count("/jwks") == 2


@pytest.mark.parametrize("tamper", ["signature", "nonce", "aud", "iss", "expired", "alg_none"])
def test_a_bad_id_token_logs_nobody_in(client, idp, tamper):
    idp.tamper = tamper
    _, done = login_through(client, idp)
    assert done.status_code == 302 and done["Location"] == "/tai-khoan/dang-nhap/"
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()


def test_a_callback_with_an_unknown_state_is_refused(client, idp):
    start = client.get("/tai-khoan/dinh-danh/vneid/")
    callback = authorize(start["Location"]).replace("state=", "state=x")
    done = client.get(callback)
    assert done["Location"] == "/tai-khoan/dang-nhap/"
    assert "_auth_user_id" not in client.session
    assert idp.token_requests == []  # the code is never exchanged


def test_a_state_cannot_be_replayed(client, idp):
    start = client.get("/tai-khoan/dinh-danh/vneid/")
    callback = authorize(start["Location"])
    assert client.get(callback)["Location"] == "/ca-nhan/"
    client.logout()
    assert client.get(callback)["Location"] == "/tai-khoan/dang-nhap/"


def test_an_unknown_provider_is_not_found(client, idp):
    assert client.get("/tai-khoan/dinh-danh/khong-co/").status_code == 404


def test_es256_tokens_are_verified_too():
    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "kid": "e1",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }
    now = int(time.time())
    claims = {"iss": "https://id.example", "aud": "c", "sub": "s", "iat": now, "exp": now + 60}
    claims["nonce"] = "n"
    head = b64url(json.dumps({"alg": "ES256", "kid": "e1"}).encode())
    body = b64url(json.dumps(claims).encode())
    r, s = decode_dss_signature(key.sign(f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256())))
    token = f"{head}.{body}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"
    jwks = {"keys": [jwk]}
    args = {"jwks": jwks, "issuer": "https://id.example", "client_id": "c"}
    assert verify_id_token(token, nonce="n", **args)["sub"] == "s"
    with pytest.raises(IdentityError):
        verify_id_token(token, nonce="other", **args)
    with pytest.raises(IdentityError):
        verify_id_token(token[:-4] + "AAAA", nonce="n", **args)


def test_providers_must_use_https_except_on_this_machine(settings):
    settings.MOTCUA_IDENTITY_PROVIDERS = {
        "x": {"issuer": "http://id.example", "client_id": "c", "client_secret": "s"}
    }
    with pytest.raises(IdentityError) as error:
        identity.provider("x").metadata()
    assert error.value.code == "oidc_url"
