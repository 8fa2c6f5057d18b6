from __future__ import annotations

import signal
import subprocess
import time


def terminate(proc: subprocess.Popen | None, *, sig: int = signal.SIGTERM, grace_s: float = 10) -> None:
    """Ask a child process to stop with `sig`; kill it if it is still running after `grace_s`."""
    terminate_all([proc], sig=sig, grace_s=grace_s)


def terminate_all(procs, *, sig: int = signal.SIGTERM, grace_s: float = 10) -> None:
    """`terminate` for many at once: every one is asked first, so they stop side by side within one grace."""
    running = [p for p in procs if p is not None and p.poll() is None]
    for proc in running:
        proc.send_signal(sig)
    deadline = time.monotonic() + grace_s
    for proc in running:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
