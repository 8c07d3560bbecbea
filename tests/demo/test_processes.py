"""The demo's supervisor forwards SIGTERM and SIGINT to its children's process groups
(grandchildren included), waits for them, kills what will not stop, and stops the others
when one child ends on its own. Real processes, no mocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tinhso.demo.processes import Supervisor

# A parent running the supervisor over children that each start a grandchild in their
# group (as gunicorn's master starts its workers), writing every pid to a file.
PARENT = textwrap.dedent(
    """
    import json, sys
    from tinhso.demo.processes import Supervisor

    out, mode = sys.argv[1], sys.argv[2]
    child = (
        "import os, signal, subprocess, sys, time\\n"
        "g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\\n"
        "open(sys.argv[1], 'a').write(f'{os.getpid()} {g.pid}\\\\n')\\n"
        "if sys.argv[2] == 'stubborn':\\n"
        "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\\n"
        "if sys.argv[2] == 'crash':\\n"
        "    time.sleep(1); sys.exit(3)\\n"
        "time.sleep(600)\\n"
    )
    sup = Supervisor(grace=float(sys.argv[3]))
    sup.start([sys.executable, "-c", child, out, "plain"], {})
    sup.start([sys.executable, "-c", child, out, mode], {})
    print("started", flush=True)
    sys.exit(sup.run())
    """
)


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def start_parent(
    tmp_path: Path, mode: str, grace: float = 10.0
) -> tuple[subprocess.Popen[str], list[int]]:
    out = tmp_path / "pids"
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script), str(out), mode, str(grace)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None and parent.stdout.readline().strip() == "started"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lines = out.read_text().splitlines() if out.exists() else []
        if len(lines) == 2:
            return parent, [int(p) for line in lines for p in line.split()]
        time.sleep(0.1)
    parent.kill()
    raise AssertionError("the children did not start")


def gone_within(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


def cleanup(pids: list[int]) -> None:
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_parent_stops_children_and_grandchildren(
    tmp_path: Path, signum: int
) -> None:
    parent, pids = start_parent(tmp_path, "plain")
    try:
        assert all(alive(p) for p in pids)
        parent.send_signal(signum)
        assert parent.wait(timeout=30) == 0
        assert gone_within(pids, 10) == []
    finally:
        cleanup(pids)


def test_a_child_that_ignores_sigterm_is_killed_after_the_grace_period(tmp_path: Path) -> None:
    parent, pids = start_parent(tmp_path, "stubborn", grace=1.0)
    try:
        started = time.monotonic()
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=30) == 0
        assert time.monotonic() - started >= 0.9
        assert gone_within(pids, 10) == []
    finally:
        cleanup(pids)


def test_when_a_child_ends_on_its_own_the_others_are_stopped(tmp_path: Path) -> None:
    parent, pids = start_parent(tmp_path, "crash")
    try:
        assert parent.wait(timeout=30) == 3  # the crashed child's status
        assert gone_within(pids, 10) == []
    finally:
        cleanup(pids)


def test_a_signal_that_arrives_before_a_child_starts_still_stops_it() -> None:
    supervisor = Supervisor(grace=5.0)
    supervisor.install()
    try:
        os.kill(os.getpid(), signal.SIGTERM)  # caught: recorded, nothing to forward yet
        deadline = time.monotonic() + 5
        while supervisor.received is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert supervisor.received == signal.SIGTERM
        child = supervisor.start(
            [sys.executable, "-c", "import time; time.sleep(600)"], dict(os.environ)
        )
        started = time.monotonic()
        assert supervisor.run() == 0
        assert child.returncode == -signal.SIGTERM  # terminated, not killed after the grace
        assert time.monotonic() - started < 4
    finally:
        supervisor.uninstall()
