"""e-ID (VNeID-style) sign-in: the OpenID Connect client with PKCE, the local simulator
provider, and the real adapter against a fake provider on 127.0.0.1."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client, RequestFactory, override_settings
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.identity.factories import resident
from tinhso.core.models import User
from tinhso.identity.eid import EidError, get_eid_provider, pkce_challenge
from tinhso.identity.eid import oidc as oidc_module
from tinhso.identity.eid import simulator as sim
from tinhso.identity.models import IdentityVerification, SimulatedEidGrant

pytestmark = pytest.mark.django_db

HOA_DOB = dt.date(1990, 5, 12)


@pytest.fixture
def hoa() -> Any:
    return resident(name="Nguyễn Thị Hoa", born=HOA_DOB, serial=123456)


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _to_provider(client: Client, *, next_url: str = "") -> tuple[str, dict[str, str]]:
    """Press the button; return the consent page URL and its query."""
    response = client.post("/tai-khoan/vneid/", {"next": next_url} if next_url else {})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/dinh-danh/mo-phong-vneid/uy-quyen/?")
    return location, _query(location)


def _consent(client: Client, location: str, citizen_id: str) -> str:
    page = client.get(location)
    assert page.status_code == 200
    params = _query(location)
    response = client.post(
        "/dinh-danh/mo-phong-vneid/uy-quyen/",
        {**params, "citizen_id": citizen_id, "action": "consent"},
    )
    assert response.status_code == 302
    return str(response["Location"])


@override_settings(EID_PROVIDER="simulator")
def test_login_page_offers_vneid_when_enabled(client: Client) -> None:
    page = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "Đăng nhập bằng VNeID" in page


@override_settings(EID_PROVIDER="simulator")
def test_register_and_id_pages_offer_vneid(client: Client) -> None:
    assert "Đăng nhập bằng VNeID" in client.get("/tai-khoan/dang-ky/").content.decode()
    client.force_login(User.objects.create_user("binh", password="x-Secret-123"))
    page = client.get("/tai-khoan/dinh-danh/").content.decode()
    assert "Liên kết bằng VNeID" in page
    assert 'name="next" value="/tai-khoan/dinh-danh/"' in page


@override_settings(EID_PROVIDER="off")
def test_login_page_without_vneid_when_off(client: Client) -> None:
    page = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "Đăng nhập bằng VNeID" not in page
    assert client.post("/tai-khoan/vneid/").status_code == 404
    assert client.get("/dinh-danh/mo-phong-vneid/jwks.json").status_code == 404


@override_settings(EID_PROVIDER="simulator")
def test_authorization_request_carries_state_nonce_and_pkce(client: Client) -> None:
    _location, params = _to_provider(client)
    flow = client.session["eid_flow"]
    assert params["state"] == flow["state"] and params["nonce"] == flow["nonce"]
    assert params["code_challenge_method"] == "S256"
    assert params["code_challenge"] == pkce_challenge(flow["verifier"])
    assert params["redirect_uri"] == "http://testserver/tai-khoan/vneid/ve/"
    assert "openid" in params["scope"].split()


@override_settings(EID_PROVIDER="simulator")
def test_simulator_sign_in_creates_citizen_account_from_registry(client: Client, hoa: Any) -> None:
    location, _params = _to_provider(client, next_url="/ho-so/cua-toi/")
    page = client.get(location).content.decode()
    assert "Nguyễn Thị Hoa" in page and "Đồng ý chia sẻ" in page
    back = _consent(client, location, hoa.citizen_id)
    assert back.startswith("http://testserver/tai-khoan/vneid/ve/?code=")
    response = client.get(back)
    assert response.status_code == 302 and response["Location"] == "/ho-so/cua-toi/"
    user = User.objects.get(citizen_id=hoa.citizen_id)
    assert user.full_name == "Nguyễn Thị Hoa"
    assert not user.has_usable_password()
    assert hoa.citizen_id not in user.username
    verification = IdentityVerification.objects.get(user=user)
    assert verification.method == IdentityVerification.Method.EID
    assert verification.adapter == "simulator+simulator"
    mine = client.get("/ho-so/cua-toi/")
    assert mine.status_code == 200
    assert "Đã tạo tài khoản công dân từ VNeID" in mine.content.decode()
    # Signed in: the submit form is pre-filled with the registry's data.
    assert int(client.session["_auth_user_id"]) == user.pk


@override_settings(EID_PROVIDER="simulator")
def test_existing_account_is_found_by_id_number(client: Client, hoa: Any) -> None:
    existing = User.objects.create_user(
        "hoa", password="x-Secret-123", citizen_id=hoa.citizen_id, full_name="Hoa"
    )
    location, _ = _to_provider(client)
    client.get(_consent(client, location, hoa.citizen_id))
    assert int(client.session["_auth_user_id"]) == existing.pk
    existing.refresh_from_db()
    assert existing.full_name == "Nguyễn Thị Hoa"  # corrected from the registry
    assert User.objects.filter(citizen_id=hoa.citizen_id).count() == 1


@override_settings(EID_PROVIDER="simulator")
def test_signed_in_account_without_number_is_linked(client: Client, hoa: Any) -> None:
    user = User.objects.create_user("binh", password="x-Secret-123")
    client.force_login(user)
    location, _ = _to_provider(client)
    client.get(_consent(client, location, hoa.citizen_id))
    user.refresh_from_db()
    assert user.citizen_id == hoa.citizen_id
    assert int(client.session["_auth_user_id"]) == user.pk


@override_settings(EID_PROVIDER="simulator")
def test_number_linked_to_another_account_is_refused_for_a_signed_in_user(
    client: Client, hoa: Any
) -> None:
    User.objects.create_user("hoa", password="x-Secret-123", citizen_id=hoa.citizen_id)
    other = User.objects.create_user("binh", password="x-Secret-123")
    client.force_login(other)
    location, _ = _to_provider(client)
    response = client.get(_consent(client, location, hoa.citizen_id))
    assert response.status_code == 400
    assert "đã được gắn với một tài khoản khác" in response.content.decode()
    other.refresh_from_db()
    assert other.citizen_id is None


@override_settings(EID_PROVIDER="simulator")
def test_wrong_state_is_refused(client: Client, hoa: Any) -> None:
    location, _ = _to_provider(client)
    back = _consent(client, location, hoa.citizen_id)
    forged = back.replace("state=", "state=x")
    response = client.get(forged)
    assert response.status_code == 400
    assert "mã trạng thái không khớp" in response.content.decode()
    assert not User.objects.filter(citizen_id=hoa.citizen_id).exists()


@override_settings(EID_PROVIDER="simulator")
def test_replayed_callback_is_refused(client: Client, hoa: Any) -> None:
    location, _ = _to_provider(client)
    back = _consent(client, location, hoa.citizen_id)
    assert client.get(back).status_code == 302
    client.logout()
    again = client.get(back)
    assert again.status_code == 400
    assert "đã được dùng" in again.content.decode()


@override_settings(EID_PROVIDER="simulator")
def test_code_is_single_use_and_needs_the_pkce_verifier(client: Client, hoa: Any) -> None:
    location, params = _to_provider(client)
    code = _query(_consent(client, location, hoa.citizen_id))["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": params["redirect_uri"],
        "client_id": sim.CLIENT_ID,
        "client_secret": sim.client_secret(),
        "code_verifier": "wrong-verifier-" + "x" * 40,
    }
    status, body = sim.token_response(form=form, authorization="", issuer="http://testserver")
    assert (status, body["error"]) == (400, "invalid_grant")
    good = {**form, "code_verifier": client.session["eid_flow"]["verifier"]}
    status, body = sim.token_response(form=good, authorization="", issuer="http://testserver")
    assert status == 200 and body["id_token"].count(".") == 2
    status, body = sim.token_response(form=good, authorization="", issuer="http://testserver")
    assert (status, body["error"]) == (400, "invalid_grant")  # used once already
    bad_client = {**good, "client_secret": "nope"}
    assert sim.token_response(form=bad_client, authorization="", issuer="x")[0] == 401


@override_settings(EID_PROVIDER="simulator")
def test_token_endpoint_over_http(client: Client, hoa: Any) -> None:
    location, params = _to_provider(client)
    code = _query(_consent(client, location, hoa.citizen_id))["code"]
    response = client.post(
        "/dinh-danh/mo-phong-vneid/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": params["redirect_uri"],
            "code_verifier": client.session["eid_flow"]["verifier"],
        },
        HTTP_AUTHORIZATION="Basic "
        + __import__("base64")
        .b64encode(f"{sim.CLIENT_ID}:{sim.client_secret()}".encode())
        .decode(),
    )
    assert response.status_code == 200
    claims = jwt.decode(response.json()["id_token"], sim.signing_key()).claims
    assert claims["citizen_id"] == hoa.citizen_id and claims["nonce"] == params["nonce"]
    meta = client.get("/dinh-danh/mo-phong-vneid/.well-known/openid-configuration").json()
    assert meta["issuer"] == "http://testserver/dinh-danh/mo-phong-vneid"
    assert client.get("/dinh-danh/mo-phong-vneid/jwks.json").json()["keys"][0]["kty"] == "RSA"


@override_settings(EID_PROVIDER="simulator")
def test_denied_consent_signs_nobody_in(client: Client, hoa: Any) -> None:
    _location, params = _to_provider(client)
    response = client.post("/dinh-danh/mo-phong-vneid/uy-quyen/", {**params, "action": "deny"})
    response = client.get(response["Location"])
    assert response.status_code == 400
    assert "không đồng ý chia sẻ" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(EID_PROVIDER="simulator")
def test_authorize_page_refuses_a_foreign_redirect_uri(client: Client) -> None:
    _location, params = _to_provider(client)
    params["redirect_uri"] = "https://attacker.example/ve/"
    response = client.get("/dinh-danh/mo-phong-vneid/uy-quyen/", params)
    assert response.status_code == 400
    assert SimulatedEidGrant.objects.count() == 0


def _provider() -> Any:
    request = RequestFactory().get("/")
    return get_eid_provider(request)


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": "http://testserver/dinh-danh/mo-phong-vneid",
        "aud": sim.CLIENT_ID,
        "sub": "abc",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
        "citizen_id": "038190123456",
    }
    claims.update(overrides)
    return claims


@override_settings(EID_PROVIDER="simulator")
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nonce": "other"}, "không hợp lệ"),
        ({"aud": "another-client"}, "không hợp lệ"),
        ({"iss": "https://evil.example"}, "không hợp lệ"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000}, "đã hết hạn"),
    ],
)
def test_bad_claims_are_refused(overrides: dict[str, Any], message: str) -> None:
    key = sim.signing_key()
    token = jwt.encode({"alg": "RS256", "kid": key.kid}, _claims(**overrides), key)
    with pytest.raises(EidError) as info:
        _provider().verify_id_token(token, nonce="n-1")
    assert message in info.value.message


@override_settings(EID_PROVIDER="simulator")
def test_token_signed_with_another_key_is_refused() -> None:
    forger = RSAKey.generate_key(2048, parameters={"kid": sim.signing_key().kid})
    token = jwt.encode({"alg": "RS256", "kid": forger.kid}, _claims(), forger)
    with pytest.raises(EidError) as info:
        _provider().verify_id_token(token, nonce="n-1")
    assert "chữ ký" in info.value.message
    unsigned = jwt.encode(
        {"alg": "HS256"}, _claims(), __import__("joserfc").jwk.OctKey.import_key("k" * 32)
    )
    with pytest.raises(EidError):
        _provider().verify_id_token(unsigned, nonce="n-1")
    assert (
        _provider()
        .verify_id_token(
            jwt.encode(
                {"alg": "RS256", "kid": sim.signing_key().kid}, _claims(), sim.signing_key()
            ),
            nonce="n-1",
        )
        .citizen_id
        == "038190123456"
    )


# ------------------------------------------------------------------ the real adapter

PROVIDER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})


class FakeProvider(BaseHTTPRequestHandler):
    issuer = ""
    token_requests: list[dict[str, Any]] = []
    gets: list[str] = []
    id_token_claims: dict[str, Any] = {}

    def log_message(self, *args: object) -> None:
        pass

    def _json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        FakeProvider.gets.append(self.path)
        if self.path == "/.well-known/openid-configuration":
            self._json(
                200,
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token",
                    "jwks_uri": f"{self.issuer}/jwks",
                },
            )
        elif self.path == "/jwks":
            self._json(200, {"keys": [PROVIDER_KEY.as_dict(private=False)]})
        else:
            self._json(404, {})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        FakeProvider.token_requests.append(
            {"form": form, "auth": self.headers.get("Authorization", "")}
        )
        if form.get("code") != "good-code":
            self._json(400, {"error": "invalid_grant"})
            return
        token = jwt.encode({"alg": "RS256", "kid": "k1"}, self.id_token_claims, PROVIDER_KEY)
        self._json(200, {"access_token": "a", "token_type": "Bearer", "id_token": token})


@contextlib.contextmanager
def fake_provider() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    issuer = f"http://127.0.0.1:{server.server_address[1]}"
    FakeProvider.issuer = issuer
    FakeProvider.token_requests = []
    FakeProvider.gets = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    oidc_module.clear_cache()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
        oidc_module.clear_cache()


def test_real_adapter_discovers_exchanges_with_pkce_and_verifies(client: Client, hoa: Any) -> None:
    with (
        fake_provider() as issuer,
        override_settings(
            EID_PROVIDER="oidc",
            EID_OIDC_ISSUER=issuer,
            EID_OIDC_CLIENT_ID="cong-dvc-38",
            EID_OIDC_CLIENT_SECRET="bi-mat",
            EID_OIDC_REDIRECT_URI="https://dichvucong.example/tai-khoan/vneid/ve/",
        ),
    ):
        response = client.post("/tai-khoan/vneid/")
        assert response["Location"].startswith(f"{issuer}/authorize?")
        params = _query(response["Location"])
        assert params["client_id"] == "cong-dvc-38"
        assert params["redirect_uri"] == "https://dichvucong.example/tai-khoan/vneid/ve/"
        flow = client.session["eid_flow"]
        FakeProvider.id_token_claims = {
            **_claims(nonce=flow["nonce"], citizen_id=hoa.citizen_id),
            "iss": issuer,
            "aud": "cong-dvc-38",
        }
        back = client.get("/tai-khoan/vneid/ve/", {"code": "good-code", "state": params["state"]})
        assert back.status_code == 302
        sent = FakeProvider.token_requests[-1]
        assert sent["form"]["code_verifier"] == flow["verifier"]
        assert sent["form"]["redirect_uri"] == params["redirect_uri"]
        assert sent["auth"].startswith("Basic ")
        user = User.objects.get(citizen_id=hoa.citizen_id)
        assert IdentityVerification.objects.get(user=user).adapter == "oidc+simulator"

        # A refused code: a clear message, nobody signed in.
        client.logout()
        response = client.post("/tai-khoan/vneid/")
        params = _query(response["Location"])
        refused = client.get("/tai-khoan/vneid/ve/", {"code": "bad", "state": params["state"]})
        assert refused.status_code == 400
        assert "không hợp lệ hoặc đã được dùng" in refused.content.decode()


def test_real_adapter_reports_an_unreachable_provider(client: Client) -> None:
    oidc_module.clear_cache()
    with override_settings(
        EID_PROVIDER="oidc", EID_OIDC_ISSUER="http://127.0.0.1:9", EID_OIDC_CLIENT_ID="c"
    ):
        response = client.post("/tai-khoan/vneid/", follow=True)
        assert "Chưa kết nối được với hệ thống định danh điện tử VNeID" in response.content.decode()


@override_settings(EID_PROVIDER="simulator")
def test_stale_code_and_stale_flow_are_refused(client: Client, hoa: Any) -> None:
    import time_machine

    location, params = _to_provider(client)
    back = _consent(client, location, hoa.citizen_id)
    code = _query(back)["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": params["redirect_uri"],
        "client_id": sim.CLIENT_ID,
        "client_secret": sim.client_secret(),
        "code_verifier": client.session["eid_flow"]["verifier"],
    }
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=11)
    with time_machine.travel(later):
        status, body = sim.token_response(form=form, authorization="", issuer="x")
        assert (status, body["error_description"]) == (400, "code expired")
        response = client.get(back)
        assert response.status_code == 400
        assert "đã hết hạn" in response.content.decode()
    assert not User.objects.filter(citizen_id=hoa.citizen_id).exists()


def test_forged_tokens_do_not_flood_the_provider_with_key_requests() -> None:
    forger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with fake_provider() as issuer:
        settings = override_settings(
            EID_PROVIDER="oidc", EID_OIDC_ISSUER=issuer, EID_OIDC_CLIENT_ID="c"
        )
        settings.enable()
        try:
            provider = _provider()
            for _ in range(5):
                forged = jwt.encode(
                    {"alg": "RS256", "kid": "k1"},
                    {**_claims(), "iss": issuer, "aud": "c"},
                    forger,
                )
                with pytest.raises(EidError):
                    provider.verify_id_token(forged, nonce="n-1")
        finally:
            settings.disable()
        assert FakeProvider.gets.count("/jwks") == 1
        assert FakeProvider.gets.count("/.well-known/openid-configuration") == 1
