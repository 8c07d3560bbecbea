"""``tinhso demo`` run for real (SQLite in a temporary var/, no demo data): its web server
and worker get the served port as public address, and SIGTERM or SIGINT (``kill``,
Ctrl-C, ``make demo`` stopped) stops all of them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.demo.test_processes import alive, cleanup, gone_within
from tinhso import config
from tinhso.demo.management.commands.demo import demo_environment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(tmp_path: Path) -> dict[str, str]:
    """The environment without any tinhso setting (SQLite, default backends), var/ in tmp."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in config.SETTINGS and k not in ("DJANGO_SETTINGS_MODULE", "TINHSO_ENV")
    }
    env["TINHSO_VAR_DIR"] = str(tmp_path)
    return env


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: list[int] = []
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, pp in parents.items() if pp == pid]
        found += children
        frontier += children
    return found


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def test_the_demo_environment_points_public_links_at_the_served_port() -> None:
    env = demo_environment({"PATH": "/bin"}, 8123)
    assert env["PUBLIC_BASE_URL"] == "http://127.0.0.1:8123"
    assert env["TINHSO_ENV"] == "demo"
    kept = demo_environment({"PUBLIC_BASE_URL": "https://dvc.example.gov.vn"}, 8123)
    assert kept["PUBLIC_BASE_URL"] == "https://dvc.example.gov.vn"
    assert demo_environment({"PUBLIC_BASE_URL": " "}, 8123)["PUBLIC_BASE_URL"].endswith(":8123")


def test_qr_links_built_in_the_demo_environment_use_the_served_port(tmp_path: Path) -> None:
    code = "from tinhso.dossiers.pdf.forms import tracking_url; print(tracking_url('ABC-1'))"
    result = subprocess.run(
        [sys.executable, "-m", "tinhso.cli", "shell", "-c", code],
        env=demo_environment(clean_env(tmp_path), 8123),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123/tra-cuu/ABC-1"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_tinhso_demo_stops_the_web_server_and_the_worker(
    tmp_path: Path, signum: int
) -> None:
    port = free_port()
    demo = subprocess.Popen(
        [sys.executable, "-m", "tinhso.cli", "demo", "--no-load", "--port", str(port)],
        env=clean_env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while True:
            assert demo.poll() is None, demo.stdout.read() if demo.stdout else ""
            assert time.monotonic() < deadline, "the demo did not start serving"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).close()
                break
            except urllib.error.HTTPError:
                break  # served (any status)
            except OSError:
                time.sleep(0.5)
        # gunicorn's master and its 2 workers, and the task worker.
        deadline = time.monotonic() + 30
        while len(pids := descendants(demo.pid)) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(pids) >= 4, pids
        gunicorn = next(p for p in pids if b"gunicorn" in Path(f"/proc/{p}/cmdline").read_bytes())
        assert environ_of(gunicorn)["PUBLIC_BASE_URL"] == f"http://127.0.0.1:{port}"

        demo.send_signal(signum)
        output, _ = demo.communicate(timeout=60)
        assert demo.returncode == 0, output
        assert "Đã dừng máy chủ web và worker." in output
        assert gone_within(pids, 10) == []
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
    finally:
        if demo.poll() is None:
            demo.kill()
        cleanup([p for p in pids if alive(p)])
