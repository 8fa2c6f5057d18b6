from __future__ import annotations

import signal
import subprocess


def terminate(proc: subprocess.Popen | None, *, sig: int = signal.SIGTERM, grace_s: float = 10) -> None:
    """Ask a child process to stop with `sig`; kill it if it is still running after `grace_s`."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
