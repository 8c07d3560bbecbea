"""Run the demo's web server and worker as children, and stop them all together.

Each child runs in its own process group (gunicorn's master and its workers, the task
worker and anything it starts), so a stop reaches every process of the group. SIGTERM or
SIGINT sent to the parent (``kill <pid>``, Ctrl-C in a terminal, ``make demo`` stopped)
is forwarded to every group; the parent then waits for them, escalating to SIGKILL after
a grace period, and returns. If one child exits on its own (a port already in use…), the
others are stopped as well.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

FORWARDED = (signal.SIGTERM, signal.SIGINT)


@dataclass
class Supervisor:
    """Children started with :meth:`start`, stopped by :meth:`stop` or by a forwarded signal."""

    grace: float = 10.0
    children: list[subprocess.Popen[bytes]] = field(default_factory=list)
    received: int | None = None
    _previous: dict[int, Any] = field(default_factory=dict)

    _signalled: set[int] = field(default_factory=set)

    def start(self, argv: Sequence[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
        """Start a child in a new process group (install first: a signal that arrives
        while the children start is then forwarded, or acted on by :meth:`stop`)."""
        child = subprocess.Popen(list(argv), env=dict(env), process_group=0)  # noqa: S603
        self.children.append(child)
        return child

    def _forward(self, signum: int, frame: FrameType | None) -> None:
        self.received = signum
        self._signal_all(signum)

    def _signal_all(self, signum: int) -> None:
        # Only groups whose leader has not been reaped: its id cannot have been reused.
        for child in list(self.children):
            if child.returncode is not None:
                continue
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signum)  # the group may have gone already
            self._signalled.add(child.pid)

    def install(self) -> None:
        """Forward SIGTERM and SIGINT to the children's groups (main thread only)."""
        if self._previous:
            return
        for signum in FORWARDED:
            self._previous[signum] = signal.signal(signum, self._forward)

    def uninstall(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    @staticmethod
    def _exited(child: subprocess.Popen[bytes]) -> bool:
        """Whether ``child`` has ended, without reaping it: while it is not reaped its pid
        (the id of its process group) cannot be reused, so the group can still be
        signalled safely to reach what it left behind."""
        if child.returncode is not None:
            return True
        try:
            info = os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return True
        return info is not None

    def wait_first(self, poll: float = 0.2) -> subprocess.Popen[bytes] | None:
        """Block until a signal arrives or a child ends; the child that ended, if any."""
        while self.received is None:
            ended = next((c for c in self.children if self._exited(c)), None)
            if ended is not None:
                return ended
            time.sleep(poll)
        return None

    def stop(self) -> None:
        """Terminate every group, wait up to ``grace`` seconds for the leaders, kill
        whatever is left in the groups (a stubborn leader, orphaned grandchildren), then
        reap the leaders. A forwarded signal is not repeated (a second SIGTERM or SIGINT
        makes the task worker quit at once instead of finishing its task)."""
        for child in self.children:
            if child.pid not in self._signalled and child.returncode is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.pid, signal.SIGTERM)
                self._signalled.add(child.pid)
        deadline = time.monotonic() + self.grace
        while time.monotonic() < deadline and not all(self._exited(c) for c in self.children):
            time.sleep(0.1)
        self._signal_all(signal.SIGKILL)
        for child in self.children:
            child.wait()

    def run(self) -> int:
        """Wait for a signal or a child's end, then stop everything. Returns 0 when
        stopped by a signal, else the exit status of the first child that ended."""
        self.install()
        try:
            ended = self.wait_first()
            self.stop()
        finally:
            self.uninstall()
        if ended is None:
            return 0
        # Killed by a signal (negative status): report a failure.
        return ended.returncode if ended.returncode >= 0 else 1
