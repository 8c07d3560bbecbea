"""A tiny local HTTP server for harvest tests: serves canned CKAN JSON and DCAT documents."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, dict[str, str], bytes]
Route = Callable[[dict[str, list[str]]], Reply]


@dataclass
class FakeCkan:
    """The state of a fake CKAN portal: its packages, in the order package_search returns."""

    packages: list[dict[str, Any]] = field(default_factory=list)
    search_enabled: bool = True

    def envelope(self, result: Any, status: int = 200) -> Reply:
        body = json.dumps({"help": "", "success": status == 200, "result": result}).encode()
        return status, {"Content-Type": "application/json"}, body

    def package_search(self, query: dict[str, list[str]]) -> Reply:
        if not self.search_enabled:
            return 404, {"Content-Type": "application/json"}, b'{"success": false}'
        rows = int(query.get("rows", ["10"])[0])
        start = int(query.get("start", ["0"])[0])
        page = self.packages[start : start + rows]
        return self.envelope({"count": len(self.packages), "results": page})

    def package_list(self, query: dict[str, list[str]]) -> Reply:
        return self.envelope([p["name"] for p in self.packages])

    def package_show(self, query: dict[str, list[str]]) -> Reply:
        ref = query.get("id", [""])[0]
        for package in self.packages:
            if ref in (package["id"], package["name"]):
                return self.envelope(package)
        return self.envelope({"message": "Not found"}, status=404)


class HarvestServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                server.requests.append(self.path)
                route = server.routes.get(parts.path)
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                else:
                    status, headers, body = route(parse_qs(parts.query))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers and headers.get("X-No-Length") != "1":
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if headers.get("X-Slow"):
                    time.sleep(float(headers["X-Slow"]))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve(
        self, path: str, body: bytes | str, content_type: str = "text/plain", **headers: str
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = lambda query: (200, {"Content-Type": content_type, **headers}, data)

    def redirect(self, path: str, location: str) -> None:
        self.routes[path] = lambda query: (302, {"Location": location}, b"")

    def mount_ckan(self, ckan: FakeCkan, prefix: str = "") -> None:
        for action in ("package_search", "package_list", "package_show"):
            self.routes[f"{prefix}/api/3/action/{action}"] = getattr(ckan, action)


def run_server() -> Iterator[HarvestServer]:
    server = HarvestServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
