"""The harvest fetcher: the core safe client (tests/core/test_netfetch.py covers its rules)
with the harvest limits from settings and the harvest's error type."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.catalog.harvest_server import HarvestServer, run_server
from tinhso.catalog.harvest.fetch import AddressNotAllowed, Fetcher, FetchError, check_url


@pytest.fixture
def server() -> Iterator[HarvestServer]:
    yield from run_server()


def test_private_addresses_are_refused_unless_the_source_allows_them() -> None:
    with pytest.raises(AddressNotAllowed, match="nội bộ"):
        check_url("http://169.254.169.254/latest/meta-data/", allow_private=False)
    check_url("http://127.0.0.1:9/", allow_private=True)


def test_fetch_from_local_server_refused_without_flag(server: HarvestServer) -> None:
    server.serve("/a.json", "{}")
    with Fetcher(allow_private=False) as fetcher, pytest.raises(AddressNotAllowed):
        fetcher.get(server.url + "/a.json")
    assert server.requests == []


def test_fetch_from_local_server_with_flag(server: HarvestServer) -> None:
    server.serve("/a.json", '{"ok": true}', "application/json")
    with Fetcher(allow_private=True) as fetcher:
        fetched = fetcher.get(server.url + "/a.json", accept="application/json")
    assert fetched.body == b'{"ok": true}'
    assert fetched.content_type == "application/json"


def test_every_failure_is_a_harvest_fetch_error_in_vietnamese(server: HarvestServer) -> None:
    server.redirect("/loop", "/loop")
    server.serve("/big", b"x" * 5000)
    with Fetcher(allow_private=True, max_bytes=1000) as fetcher:
        with pytest.raises(FetchError, match="chuyển hướng"):
            fetcher.get(server.url + "/loop")
        with pytest.raises(FetchError, match="vượt quá"):
            fetcher.get(server.url + "/big")
        with pytest.raises(FetchError, match="404"):
            fetcher.get(server.url + "/missing")
        with pytest.raises(FetchError, match="http"):
            fetcher.get("ftp://example.org/x")


def test_slow_response_times_out(server: HarvestServer) -> None:
    server.serve("/slow", b"late", **{"X-Slow": "2"})
    with (
        Fetcher(allow_private=True, timeout=0.3) as fetcher,
        pytest.raises(FetchError, match="thời gian"),
    ):
        fetcher.get(server.url + "/slow")


def test_settings_give_default_limits(settings: pytest.FixtureRequest) -> None:
    settings.HARVEST_MAX_BYTES = 4096  # type: ignore[attr-defined]
    settings.HARVEST_TIMEOUT_SECONDS = 7  # type: ignore[attr-defined]
    with Fetcher(allow_private=True) as fetcher:
        assert fetcher.max_bytes == 4096
        assert fetcher.timeout == 7.0
