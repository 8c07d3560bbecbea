"""URL sources: private addresses refused, and the connection goes to the address that
was checked (no DNS rebinding between the check and the connection)."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from tinhso.datastore.ingest import fetch
from tinhso.datastore.ingest.errors import LoadError

PUBLIC_IP = "203.0.113.7"  # TEST-NET-3 is not global: patched below to count as public


@pytest.fixture
def csv_server() -> Iterator[str]:
    body = "a,b\n1,Hà Nội\n".encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/du-lieu.csv"
    finally:
        server.shutdown()
        server.server_close()


def test_a_loopback_url_is_refused(csv_server: str, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="mạng nội bộ"):
        fetch.fetch_url(csv_server, tmp_path / "x.csv")


def test_a_loopback_url_is_fetched_when_private_addresses_are_allowed(
    csv_server: str, tmp_path: Path, settings: Any
) -> None:
    settings.DATASTORE_FETCH_ALLOW_PRIVATE = True
    fetch.fetch_url(csv_server, tmp_path / "x.csv")
    assert (tmp_path / "x.csv").read_text(encoding="utf-8") == "a,b\n1,Hà Nội\n"


def test_only_http_urls_are_fetched(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="http"):
        fetch.fetch_url("file:///etc/passwd", tmp_path / "x.csv")


def test_the_connection_goes_to_the_checked_address_not_a_second_dns_answer(
    tmp_path: Path,
) -> None:
    answers = iter([PUBLIC_IP, "127.0.0.1", "127.0.0.1"])
    resolved: list[str] = []
    connected: list[tuple[str, int]] = []

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        ip = next(answers)
        resolved.append(ip)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port or 80))]

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        connected.append(address)
        raise OSError("no route (test)")

    real_ip_address = fetch.ipaddress.ip_address

    class Public:
        is_global = True

    def ip_address(value: str) -> Any:
        return Public() if value == PUBLIC_IP else real_ip_address(value)

    with (
        mock.patch.object(fetch.socket, "getaddrinfo", getaddrinfo),
        mock.patch.object(fetch.socket, "create_connection", create_connection),
        mock.patch.object(fetch.ipaddress, "ip_address", ip_address),
        pytest.raises(LoadError, match="Không tải được"),
    ):
        fetch.fetch_url("http://du-lieu.example.vn/bang.csv", tmp_path / "x.csv")
    assert resolved == [PUBLIC_IP]  # resolved once
    assert connected == [(PUBLIC_IP, 80)]
