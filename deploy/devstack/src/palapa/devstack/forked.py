"""The launcher's side of the fork server (zygote.py): services forked from one preloaded process, each held by a
handle that answers as `subprocess.Popen` does (pid, poll, wait, send_signal, terminate, kill, returncode)."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from .startup import cpu_seconds

#: a first spawn waits for the zygote's imports: seconds on an idle host, a minute on a loaded one
SPAWN_TIMEOUT_S = 300.0
#: the zygote's own grace for its children (zygote.STOP_GRACE_S), and some
STOP_TIMEOUT_S = 15.0
UNKNOWN_EXIT = -int(signal.SIGKILL)  # a child whose exit the zygote could not report (the zygote died)


class ForkServerError(RuntimeError):
    """The fork server could not start a process; the message says why."""


class ForkedProcess:
    """A process forked by the zygote, as a Popen-like handle."""

    def __init__(self, server: ForkServer, pid: int, module: str) -> None:
        self.pid, self.args, self.returncode = pid, [module], None
        self._server = server

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._server.exit_code(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkServer:
    """Starts the zygote on first use; `spawn` forks a service from it."""

    def __init__(self, log: Path, env: dict[str, str] | None = None) -> None:
        self.log, self.env = log, env  # the zygote's own environment (the launcher's by default)
        self.proc: subprocess.Popen | None = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._replies: dict[int, dict] = {}
        self._exits: dict[int, int] = {}
        self._spawned: list[ForkedProcess] = []
        self._reader: threading.Thread | None = None
        self._changed = threading.Condition()

    def warm(self) -> None:
        """Start the zygote now: its imports overlap whatever the launcher does before the first spawn."""
        with self._lock:
            self._start()

    def _start(self) -> subprocess.Popen:
        if self.proc is None or self.proc.poll() is not None:
            with open(self.log, "ab") as err:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "palapa.devstack.zygote"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=err, start_new_session=True, env=self.env,
                )
            self._reader = threading.Thread(target=self._read, args=(self.proc,), name="fork-server", daemon=True)
            self._reader.start()
        return self.proc

    def spawn(self, module: str, env: dict[str, str], log: Path, cwd: str | None = None) -> ForkedProcess:
        with open(log, "ab"):  # there from the start, as with Popen (and a bad path is said here)
            pass
        with self._lock:
            proc = self._start()
            ident = next(self._ids)
            request = {"id": ident, "module": module, "env": env, "log": str(log), "cwd": cwd or os.getcwd()}
            try:
                proc.stdin.write((json.dumps(request) + "\n").encode())
                proc.stdin.flush()
            except OSError as exc:
                raise ForkServerError(f"the fork server is gone ({exc}); log: {self.log}") from exc
        with self._changed:
            if not self._changed.wait_for(lambda: ident in self._replies or proc.poll() is not None,
                                          SPAWN_TIMEOUT_S):
                raise ForkServerError(f"the fork server did not start {module} within {SPAWN_TIMEOUT_S:.0f} s")
            reply = self._replies.pop(ident, None)
        if reply is None or "pid" not in reply:
            why = reply["error"] if reply else f"it exited with code {proc.returncode}"
            raise ForkServerError(f"the fork server could not start {module}: {why}; log: {self.log}")
        child = ForkedProcess(self, reply["pid"], module)
        self._spawned.append(child)
        return child

    def exit_code(self, pid: int) -> int | None:
        if pid in self._exits:
            return self._exits[pid]
        if self.proc is not None and self.proc.poll() is not None:  # no one left to report: ask the system
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return UNKNOWN_EXIT
        return None

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            with self._changed:
                if "exit" in message:
                    self._exits[message["exit"]] = message["code"]
                else:
                    self._replies[message.get("id")] = message
                self._changed.notify_all()
        proc.wait()
        with self._changed:
            self._changed.notify_all()

    def cpu_seconds(self) -> float | None:
        """CPU the zygote used (its imports, paid once for every process)."""
        return cpu_seconds(self.proc.pid) if self.proc else None

    def stop(self) -> None:
        """Close its input: the zygote stops what it forked, then itself."""
        if self.proc is None:
            return
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self._reader is not None:
            self._reader.join(2)  # the children's exits it reported on the way out
        for child in self._spawned:  # what the zygote could not stop in time (each leads a session of its own)
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.pid, signal.SIGKILL)
        self._spawned.clear()


def launch(module: str, env: dict[str, str], log: Path, forks: ForkServer | None) -> subprocess.Popen | ForkedProcess:
    """`python -m module` in a session of its own, its output appended to `log`: forked from the zygote when there is
    one, else with an interpreter of its own."""
    if forks is not None:
        return forks.spawn(module, env, log)
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", module], env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
