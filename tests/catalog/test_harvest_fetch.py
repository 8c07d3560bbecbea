"""Fetching for harvests: address checks, redirects, size and time limits."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from tests.catalog.harvest_server import HarvestServer, run_server
from tinhso.catalog.harvest import fetch
from tinhso.catalog.harvest.fetch import AddressNotAllowed, Fetcher, FetchError, check_url


@pytest.fixture
def server() -> Iterator[HarvestServer]:
    yield from run_server()


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
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_refused(url: str) -> None:
    with pytest.raises(AddressNotAllowed):
        check_url(url, allow_private=False)


def test_private_address_allowed_when_source_allows_it() -> None:
    check_url("http://127.0.0.1:9/", allow_private=True)


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "file:///etc/passwd", "http:///x", "gopher://a"]
)
def test_non_http_urls_are_refused(url: str) -> None:
    with pytest.raises(FetchError):
        check_url(url, allow_private=True)


def test_public_addresses_pass_the_check() -> None:
    assert fetch.address_is_public(ipaddress.ip_address("8.8.8.8"))
    assert fetch.address_is_public(ipaddress.ip_address("2001:4860:4860::8888"))
    assert not fetch.address_is_public(ipaddress.ip_address("::ffff:10.0.0.1"))


def test_a_host_resolving_to_any_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        fetch,
        "resolve",
        lambda host, port: [ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.5")],
    )
    with pytest.raises(AddressNotAllowed):
        check_url("http://mixed.example.org/", allow_private=False)


def test_fetch_from_local_server_refused_without_flag(server: HarvestServer) -> None:
    server.serve("/a.json", "{}")
    with Fetcher(allow_private=False) as fetcher, pytest.raises(AddressNotAllowed):
        fetcher.get(server.url + "/a.json")
    assert server.requests == []


def test_fetch_from_local_server_with_flag(server: HarvestServer) -> None:
    server.serve("/a.json", '{"ok": true}', "application/json")
    with Fetcher(allow_private=True) as fetcher:
        fetched = fetcher.get(server.url + "/a.json")
    assert fetched.body == b'{"ok": true}'
    assert fetched.content_type == "application/json"


def test_redirects_are_followed_and_rechecked(
    server: HarvestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = server.url.rsplit(":", 1)[1]
    server.serve("/final", "done")
    server.redirect("/start", "/final")
    with Fetcher(allow_private=True) as fetcher:
        assert fetcher.get(server.url + "/start").url == server.url + "/final"
    # Pretend only 127.0.0.1 is public: a redirect to 127.0.0.2 must be refused.
    monkeypatch.setattr(fetch, "address_is_public", lambda a: str(a) == "127.0.0.1")
    server.redirect("/evil", f"http://127.0.0.2:{port}/final")
    with Fetcher(allow_private=False) as fetcher:
        assert fetcher.get(server.url + "/final").body == b"done"
        with pytest.raises(AddressNotAllowed):
            fetcher.get(server.url + "/evil")


def test_redirect_loop_stops_at_the_limit(server: HarvestServer) -> None:
    server.redirect("/loop", "/loop")
    with Fetcher(allow_private=True) as fetcher, pytest.raises(FetchError, match="chuyển hướng"):
        fetcher.get(server.url + "/loop")
    assert len(server.requests) == fetch.MAX_REDIRECTS + 1


def test_response_above_max_bytes_is_refused(server: HarvestServer) -> None:
    server.serve("/big", b"x" * 5000)
    with (
        Fetcher(allow_private=True, max_bytes=1000) as fetcher,
        pytest.raises(FetchError, match="vượt quá"),
    ):
        fetcher.get(server.url + "/big")


def test_streamed_response_without_length_stops_at_max_bytes(server: HarvestServer) -> None:
    server.serve("/stream", b"y" * 200_000, **{"X-No-Length": "1"})
    with (
        Fetcher(allow_private=True, max_bytes=50_000) as fetcher,
        pytest.raises(FetchError, match="vượt quá"),
    ):
        fetcher.get(server.url + "/stream")


def test_slow_response_times_out(server: HarvestServer) -> None:
    server.serve("/slow", b"late", **{"X-Slow": "2"})
    with (
        Fetcher(allow_private=True, timeout=0.3) as fetcher,
        pytest.raises(FetchError, match="thời gian"),
    ):
        fetcher.get(server.url + "/slow")


def test_http_error_status_is_a_fetch_error(server: HarvestServer) -> None:
    with Fetcher(allow_private=True) as fetcher, pytest.raises(FetchError, match="404"):
        fetcher.get(server.url + "/missing")


def test_settings_give_default_limits(settings: pytest.FixtureRequest) -> None:
    settings.HARVEST_MAX_BYTES = 4096  # type: ignore[attr-defined]
    settings.HARVEST_TIMEOUT_SECONDS = 7  # type: ignore[attr-defined]
    with Fetcher(allow_private=True) as fetcher:
        assert fetcher.max_bytes == 4096
        assert fetcher.timeout == 7.0
