"""URL sources through the core safe client (tests/core/test_netfetch.py covers its rules,
DNS rebinding included): the DataStore settings and the DataStore's own error messages."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tinhso.datastore.ingest import fetch
from tinhso.datastore.ingest.errors import LoadError


@pytest.fixture
def csv_server() -> Iterator[str]:
    body = "a,b\n1,Hà Nội\n".encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not self.path.endswith(".csv"):
                self.send_error(404)
                return
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


def test_an_oversized_file_is_refused_with_the_datastore_limit(
    csv_server: str, tmp_path: Path, settings: Any
) -> None:
    settings.DATASTORE_FETCH_ALLOW_PRIVATE = True
    settings.DATASTORE_FETCH_MAX_BYTES = 5
    with pytest.raises(LoadError, match="lớn hơn 0 MB"):
        fetch.fetch_url(csv_server, tmp_path / "x.csv")


def test_an_http_error_status_is_reported(csv_server: str, tmp_path: Path, settings: Any) -> None:
    settings.DATASTORE_FETCH_ALLOW_PRIVATE = True
    with pytest.raises(LoadError, match="HTTP 404"):
        fetch.fetch_url(csv_server.replace("du-lieu.csv", "khong-co"), tmp_path / "x.csv")


def test_a_refused_connection_is_reported(tmp_path: Path, settings: Any) -> None:
    settings.DATASTORE_FETCH_ALLOW_PRIVATE = True
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(LoadError, match="Không tải được tệp: ConnectError"):
        fetch.fetch_url(f"http://127.0.0.1:{port}/x.csv", tmp_path / "x.csv")
