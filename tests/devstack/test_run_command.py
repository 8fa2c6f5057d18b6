"""`palapa-up` (what `./palapa up` runs) starts every part, says where it listens, and stops all on Ctrl-C."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from palapa.devstack.services import SERVICES

pytestmark = [pytest.mark.integration, pytest.mark.serial]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purpose
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_the_run_command_starts_everything_and_ctrl_c_stops_everything():
    folder = Path(tempfile.mkdtemp(prefix="palapa-up-"))
    os.chmod(folder, 0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")}
    env.update(PALAPA_DATA_DIR=str(folder), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "palapa.devstack", "--free-ports"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    lines: list[str] = []
    try:
        # generous: the launcher gives up on its own (each process's readiness wait) and then prints why
        deadline = time.monotonic() + 400
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl-C stops everything" in line:
                break
        out = "".join(lines)
        assert "Palapa is running" in out, out
        for part in ("broker", "PostgreSQL", "complaint-svc", "catalog-svc", "notify-svc", "tracking-svc",
                     "bridge-curhat", "sim-curhat", "bridge-pbb", "taxbill-svc", "sim-pbb", "PBB export folder",
                     "bridge-psc119", "sim-psc119", "citizen page", "gate-svc",
                     "citizens: the one address", "sign-in (OpenID Connect)",
                     "desk=meja-diskominfo", "dishub=petugas-dishub"):
            assert part in out, f"{part} missing from:\n{out}"
        assert re.search(r"Citizens: http://127\.0\.0\.1:\d+/", out), out  # the one address, through Caddy
        assert re.search(r"\[\s*\d+\.\d+s\] notify-svc: ready on http://127\.0\.0\.1:\d+", out), out
        pids = [int(p) for p in re.findall(r"starting \(pid (\d+)\)", out)]
        assert len(pids) == len(SERVICES)

        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, rest
        assert "stopped." in rest
        assert not [p for p in pids if _alive(p)], "a service outlived Ctrl-C"
        assert (folder / "postgres" / "PG_VERSION").exists(), "the database keeps its data folder"
    finally:
        if proc.poll() is None:  # failed before Ctrl-C: the launcher stops what it started (SIGKILL would orphan it)
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(90)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        for pid in map(int, re.findall(r"starting \(pid (\d+)\)", "".join(lines))):
            if _alive(pid):  # never leave a process behind, even when the launcher could not stop it
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)
