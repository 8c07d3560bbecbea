"""Drive headless Chromium through the DevTools protocol over a pipe.

``--remote-debugging-pipe`` makes Chromium read JSON commands (each ending with a NUL
byte) from file descriptor 3 and write replies and events to descriptor 4, so no
WebSocket library and no network port is needed. Only what the accessibility tests use
is implemented: open a page, set a cookie, evaluate JavaScript, wait for a condition.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def find_chromium() -> str | None:
    env = os.environ.get("TINHSO_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    return next((c for c in CANDIDATES if Path(c).exists()), None)


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium process with one page (tab)."""

    def __init__(self, executable: str, *, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="tinhso-chromium-")
        # Two pipes: we write commands into the child's fd 3, read replies from its fd 4.
        cmd_read, self._cmd_write = os.pipe()
        self._reply_read, reply_write = os.pipe()
        # Keep the child's ends away from 3 and 4 so dup2 below never copies onto itself.
        child_in = fcntl.fcntl(cmd_read, fcntl.F_DUPFD_CLOEXEC, 5)
        child_out = fcntl.fcntl(reply_write, fcntl.F_DUPFD_CLOEXEC, 5)
        os.close(cmd_read)
        os.close(reply_write)

        def wire_fds() -> None:  # runs in the child between fork and exec
            os.dup2(child_in, 3, inheritable=True)
            os.dup2(child_out, 4, inheritable=True)

        argv = [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--mute-audio",
            "--hide-scrollbars",
            "--window-size=1280,900",
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile}",
            "about:blank",
        ]
        self._proc = subprocess.Popen(
            argv,
            preexec_fn=wire_fds,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(child_in)
        os.close(child_out)
        self._buffer = b""
        self._next_id = 0
        target = self._call("Target.createTarget", {"url": "about:blank"})
        attached = self._call(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        self._session = attached["sessionId"]
        self.page("Page.enable")
        self.page("Network.enable")

    # -- protocol -----------------------------------------------------------------
    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError("Chromium did not answer in time")
            ready, _, _ = select.select([self._reply_read], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._reply_read, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def _call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> Any:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._cmd_write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def page(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return self._call(method, params, session=self._session)

    # -- helpers ------------------------------------------------------------------
    def evaluate(self, expression: str, *, await_promise: bool = False) -> Any:
        result = self.page(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": await_promise, "returnByValue": True},
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"JavaScript error: {text}")
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, *, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.05)
        raise BrowserError(f"timed out waiting for {expression}")

    def open(self, url: str) -> None:
        self.evaluate("window.__tinhsoLoaded = false")
        self.page("Page.navigate", {"url": url})
        # The marker is gone once the new document replaced the old one.
        self.wait_for("window.__tinhsoLoaded === undefined && document.readyState === 'complete'")
        self.evaluate(
            "document.fonts ? document.fonts.ready.then(() => true) : true", await_promise=True
        )

    def set_cookie(self, *, url: str, name: str, value: str) -> None:
        self.page("Network.setCookie", {"url": url, "name": name, "value": value})

    def clear_cookies(self) -> None:
        self.page("Network.clearBrowserCookies")

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self._call("Browser.close")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)
        for fd in (self._cmd_write, self._reply_read):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)
