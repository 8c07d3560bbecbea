"""The HTTP adapter against a local fake registry on 127.0.0.1."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tinhso.identity.adapters.http import HttpPopulationRegistry
from tinhso.identity.models import PersonalDataAccess
from tinhso.identity.registry import RegistryUnavailable, get_registry

pytestmark = pytest.mark.django_db

KNOWN = "038190123456"
PERSON = {
    "citizen_id": KNOWN,
    "full_name": "Nguyễn Thị Hoa",
    "date_of_birth": "1990-05-12",
    "gender": "Nữ",
    "address": "Số 12 đường Lê Lợi, Phường Hạc Thành, Tỉnh Thanh Hóa",
    "commune_code": "14797",
    "province_code": "38",
}
# number → (status, body, delay seconds)
ROUTES: dict[str, tuple[int, bytes, float]] = {
    KNOWN: (200, json.dumps(PERSON).encode(), 0),
    "038190000001": (200, b"{not json", 0),
    "038190000002": (200, json.dumps({"citizen_id": "038190000002"}).encode(), 0),
    "038190000003": (500, b"oops", 0),
    "038190000004": (200, json.dumps(PERSON).encode(), 0),  # another person's record
    "038190000005": (200, json.dumps(PERSON).encode(), 2.0),  # too slow
    "038190000006": (200, json.dumps({**PERSON, "date_of_birth": "12/05/1990"}).encode(), 0),
}


class FakeRegistry(BaseHTTPRequestHandler):
    seen_auth: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        FakeRegistry.seen_auth.append(self.headers.get("Authorization", ""))
        if self.headers.get("Authorization") != "Bearer bi-mat":
            self.send_response(401)
            self.end_headers()
            return
        number = self.path.rsplit("/", 1)[-1]
        if not self.path.startswith("/v1/citizens/") or number not in ROUTES:
            self.send_response(404)
            self.end_headers()
            return
        status, body, delay = ROUTES[number]
        if delay:
            time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeRegistry)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def registry(server: str, settings) -> HttpPopulationRegistry:  # type: ignore[no-untyped-def]
    settings.POPULATION_REGISTRY = "http"
    settings.POPULATION_REGISTRY_URL = server
    settings.POPULATION_REGISTRY_TOKEN = "bi-mat"
    settings.POPULATION_REGISTRY_TIMEOUT = 1
    adapter = get_registry()
    assert isinstance(adapter, HttpPopulationRegistry)
    return adapter


def test_http_adapter_returns_the_person_and_sends_the_token(registry) -> None:  # type: ignore[no-untyped-def]
    person = registry.lookup(KNOWN)
    assert person is not None
    assert person.full_name == "Nguyễn Thị Hoa"
    assert person.date_of_birth == dt.date(1990, 5, 12)
    assert person.gender == "nữ"
    assert person.commune_code == "14797"
    assert FakeRegistry.seen_auth[-1] == "Bearer bi-mat"
    log = PersonalDataAccess.objects.get()
    assert (log.adapter, log.found) == ("http", True)


def test_http_adapter_404_means_not_found(registry) -> None:  # type: ignore[no-untyped-def]
    assert registry.lookup("038190999999") is None
    assert PersonalDataAccess.objects.get().found is False


@pytest.mark.parametrize(
    "number",
    ["038190000001", "038190000002", "038190000003", "038190000004", "038190000006"],
    ids=["malformed-json", "missing-fields", "server-error", "other-person", "bad-date"],
)
def test_http_adapter_bad_answers_are_unavailable_and_logged(registry, number: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RegistryUnavailable) as exc:
        registry.lookup(number)
    assert exc.value.message
    log = PersonalDataAccess.objects.get()
    assert log.found is False and log.outcome


def test_http_adapter_timeout_is_unavailable(registry) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RegistryUnavailable) as exc:
        registry.lookup("038190000005")
    assert "không trả lời kịp" in exc.value.message


def test_http_adapter_wrong_credentials_are_unavailable(registry, settings) -> None:  # type: ignore[no-untyped-def]
    settings.POPULATION_REGISTRY_TOKEN = "sai"
    with pytest.raises(RegistryUnavailable) as exc:
        get_registry().lookup(KNOWN)
    assert "xác thực" in exc.value.message


def test_http_adapter_refused_connection_is_unavailable(settings) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.POPULATION_REGISTRY_URL = f"http://127.0.0.1:{port}"
    with pytest.raises(RegistryUnavailable):
        get_registry("http").lookup(KNOWN)


def test_http_adapter_without_url_says_what_to_configure(settings) -> None:  # type: ignore[no-untyped-def]
    settings.POPULATION_REGISTRY_URL = ""
    with pytest.raises(RegistryUnavailable) as exc:
        get_registry("http").lookup(KNOWN)
    assert "POPULATION_REGISTRY_URL" in exc.value.message
