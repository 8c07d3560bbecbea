"""The one safe HTTP client: address checks, the connection pinned to the checked address
(no DNS rebinding), redirects re-checked, size and time limits, no environment proxy."""

from __future__ import annotations

import io
import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tests.catalog.harvest_server import HarvestServer, run_server
from tinhso.core import netfetch
from tinhso.core.netfetch import AddressNotAllowed, NetFetchError, SafeClient, check_url


@pytest.fixture
def server() -> Iterator[HarvestServer]:
    yield from run_server()


def client(*, allow_private: bool, max_bytes: int = 1_000_000, timeout: float = 5) -> SafeClient:
    return SafeClient(
        allow_private=allow_private, max_bytes=max_bytes, timeout=timeout, user_agent="test/1"
    )


class FakeDns:
    """Answers ``getaddrinfo`` for one test host name from a list of answers (the last one
    repeats), counting the lookups; every other name goes to the real resolver."""

    def __init__(self, host: str, answers: list[str]) -> None:
        self.host = host
        self.answers = answers
        self.lookups = 0
        self.real = socket.getaddrinfo

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host != self.host:
            return self.real(host, port, *args, **kwargs)
        ip = self.answers[min(self.lookups, len(self.answers) - 1)]
        self.lookups += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port or 80))]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/api/3/action/package_search",
        "http://10.1.2.3/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://240.0.0.1/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://203.0.113.7/",  # TEST-NET-3: documentation, not global
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_refused(url: str) -> None:
    with pytest.raises(AddressNotAllowed):
        check_url(url, allow_private=False)


def test_private_address_allowed_when_the_caller_allows_it() -> None:
    check_url("http://127.0.0.1:9/", allow_private=True)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/x", "file:///etc/passwd", "http:///x", "gopher://a", "http://a:99999/"],
)
def test_non_http_urls_are_refused(url: str) -> None:
    with pytest.raises(netfetch.UnsupportedURL):
        check_url(url, allow_private=True)


def test_an_unresolvable_host_is_a_clear_error() -> None:
    with pytest.raises(netfetch.HostNotResolved, match="Không phân giải được"):
        check_url("http://khong-ton-tai.invalid/", allow_private=True)


def test_public_addresses_pass_the_check() -> None:
    assert netfetch.address_is_public(ipaddress.ip_address("8.8.8.8"))
    assert netfetch.address_is_public(ipaddress.ip_address("2001:4860:4860::8888"))
    assert not netfetch.address_is_public(ipaddress.ip_address("::ffff:10.0.0.1"))


def test_a_host_resolving_to_any_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        netfetch,
        "resolve",
        lambda host, port: [ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.5")],
    )
    with pytest.raises(AddressNotAllowed) as refused:
        check_url("http://mixed.example.org/", allow_private=False)
    assert str(refused.value.address) == "10.0.0.5"


def test_loopback_server_refused_without_a_request(server: HarvestServer) -> None:
    server.serve("/a.json", "{}")
    with client(allow_private=False) as c, pytest.raises(AddressNotAllowed):
        c.get(server.url + "/a.json")
    assert server.requests == []


def test_loopback_server_fetched_when_allowed(server: HarvestServer) -> None:
    server.serve("/a.json", '{"ok": true}', "application/json")
    with client(allow_private=True) as c:
        fetched = c.get(server.url + "/a.json")
    assert fetched.body == b'{"ok": true}'
    assert fetched.content_type == "application/json"
    assert fetched.status == 200


def test_the_connection_goes_to_the_checked_address_not_a_second_dns_answer(
    server: HarvestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the first answer (127.0.0.1, counted as public here) passes the check,
    every later answer is 127.0.0.2 (not public). The name must be resolved once and the
    socket opened to the first answer."""
    port = server.url.rsplit(":", 1)[1]
    server.serve("/bang.csv", "a,b\n1,2\n")
    dns = FakeDns("du-lieu.example.vn", ["127.0.0.1", "127.0.0.2"])
    connected: list[tuple[str, int]] = []
    real_connect = socket.create_connection

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        connected.append(address)
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(netfetch, "address_is_public", lambda a: str(a) == "127.0.0.1")
    with client(allow_private=False) as c:
        fetched = c.get(f"http://du-lieu.example.vn:{port}/bang.csv")
    assert fetched.body == b"a,b\n1,2\n"
    assert dns.lookups == 1
    assert connected == [("127.0.0.1", int(port))]
    assert server.requests == ["/bang.csv"]


def test_a_rebound_answer_at_connection_time_is_refused(
    server: HarvestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = server.url.rsplit(":", 1)[1]
    server.serve("/x", "secret")
    dns = FakeDns("du-lieu.example.vn", ["127.0.0.2"])
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    monkeypatch.setattr(netfetch, "address_is_public", lambda a: str(a) == "127.0.0.1")
    with client(allow_private=False) as c, pytest.raises(AddressNotAllowed):
        c.get(f"http://du-lieu.example.vn:{port}/x")
    assert server.requests == []


def test_redirects_are_followed_and_rechecked(
    server: HarvestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = server.url.rsplit(":", 1)[1]
    server.serve("/final", "done")
    server.redirect("/start", "/final")
    with client(allow_private=True) as c:
        assert c.get(server.url + "/start").url == server.url + "/final"
    # Pretend only 127.0.0.1 is public: a redirect to 127.0.0.2 must be refused.
    monkeypatch.setattr(netfetch, "address_is_public", lambda a: str(a) == "127.0.0.1")
    server.redirect("/evil", f"http://127.0.0.2:{port}/final")
    with client(allow_private=False) as c:
        assert c.get(server.url + "/final").body == b"done"
        with pytest.raises(AddressNotAllowed):
            c.get(server.url + "/evil")


def test_a_redirect_to_another_scheme_is_refused(server: HarvestServer) -> None:
    server.redirect("/file", "file:///etc/passwd")
    with client(allow_private=True) as c, pytest.raises(netfetch.UnsupportedURL):
        c.get(server.url + "/file")


def test_redirect_loop_stops_at_the_limit(server: HarvestServer) -> None:
    server.redirect("/loop", "/loop")
    with client(allow_private=True) as c, pytest.raises(netfetch.TooManyRedirects):
        c.get(server.url + "/loop")
    assert len(server.requests) == netfetch.MAX_REDIRECTS + 1


def test_response_above_max_bytes_is_refused(server: HarvestServer) -> None:
    server.serve("/big", b"x" * 5000)
    with client(allow_private=True, max_bytes=1000) as c, pytest.raises(netfetch.TooLarge):
        c.get(server.url + "/big")


def test_streamed_response_without_length_stops_at_max_bytes(server: HarvestServer) -> None:
    server.serve("/stream", b"y" * 200_000, **{"X-No-Length": "1"})
    out = io.BytesIO()
    with client(allow_private=True, max_bytes=50_000) as c, pytest.raises(netfetch.TooLarge):
        c.download(server.url + "/stream", out)
    assert len(out.getvalue()) <= 50_000


def test_download_streams_the_body_into_the_file(server: HarvestServer) -> None:
    server.serve("/data.csv", b"z" * 300_000, "text/csv", **{"X-No-Length": "1"})
    out = io.BytesIO()
    with client(allow_private=True, max_bytes=300_000) as c:
        downloaded = c.download(server.url + "/data.csv", out)
    assert out.getvalue() == b"z" * 300_000
    assert downloaded.size == 300_000
    assert downloaded.content_type == "text/csv"


def test_slow_response_times_out(server: HarvestServer) -> None:
    server.serve("/slow", b"late", **{"X-Slow": "2"})
    with client(allow_private=True, timeout=0.3) as c, pytest.raises(netfetch.TimedOut):
        c.get(server.url + "/slow")


def test_http_error_status_is_an_error_with_the_status(server: HarvestServer) -> None:
    with client(allow_private=True) as c, pytest.raises(netfetch.HTTPStatusError) as failed:
        c.get(server.url + "/missing")
    assert failed.value.status == 404
    assert "404" in failed.value.message


def test_a_refused_connection_is_a_transfer_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with client(allow_private=True) as c, pytest.raises(netfetch.TransferFailed) as failed:
        c.get(f"http://127.0.0.1:{port}/")
    assert failed.value.error == "ConnectError"
    assert isinstance(failed.value, NetFetchError)


def test_proxy_variables_from_the_environment_are_ignored(
    server: HarvestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://10.255.255.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    server.serve("/direct", "ok")
    with client(allow_private=True, timeout=2) as c:
        assert c.get(server.url + "/direct").body == b"ok"
