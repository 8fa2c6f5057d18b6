"""What `./palapa up` leaves for the commands beside it (.data/platform.env) and what it says of its start-up."""

import os
import subprocess
from pathlib import Path

import pytest

from palapa.devstack import platform_env
from palapa.devstack.startup import cpu_seconds, process_age, since_invoked, summary

ROOT = Path(__file__).parents[2]


def test_the_platform_file_names_this_process_and_is_removed_only_by_it(tmp_path):
    path = platform_env.write(tmp_path, {"DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:15432/palapa",
                                         "PALAPA_CATALOG_URL": ""})
    assert path.read_text().splitlines() == [f"PALAPA_PLATFORM_PID={os.getpid()}",
                                             "DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:15432/palapa"]
    path.write_text("PALAPA_PLATFORM_PID=1\n")  # another run's by now
    platform_env.remove(tmp_path)
    assert path.exists()
    platform_env.write(tmp_path, {})
    platform_env.remove(tmp_path)
    assert not path.exists()


def _script_env(tmp_path: Path, pid: int, **env: str) -> str:
    """What the palapa script's platform_env function exports, run on its own (no uv, no platform)."""
    (tmp_path / "platform.env").write_text(f"PALAPA_PLATFORM_PID={pid}\nDATABASE_URL=postgresql://from-file/palapa\n")
    script = (ROOT / "palapa").read_text()
    function = script[script.index("platform_env() {"):script.index("\n}\n", script.index("platform_env() {")) + 3]
    out = subprocess.run(["bash", "-c", f'{function}\nplatform_env; echo "${{DATABASE_URL:-unset}}"'],
                         env={"PATH": os.environ["PATH"], "PALAPA_DATA_DIR": str(tmp_path), **env},
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_commands_use_the_running_platforms_database_unless_the_environment_names_one(tmp_path):
    assert _script_env(tmp_path, os.getpid()) == "postgresql://from-file/palapa"
    assert _script_env(tmp_path, os.getpid(), DATABASE_URL="postgresql://mine/x") == "postgresql://mine/x"


def test_a_file_left_by_a_platform_that_is_gone_is_ignored(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    assert _script_env(tmp_path, gone.pid) == "unset"


def test_the_start_up_summary_names_the_total_and_the_slowest_processes():
    lines = summary(12.34, [("complaint-svc", 11.0), ("sim-pbb", 2.0), ("catalog-svc", 9.5), ("gone", None)],
                    slowest=2)
    assert lines[0].startswith("Started in 12.3 s (3 processes on ")
    assert "load average" in lines[0]
    assert lines[1] == "  slowest to ready: complaint-svc 11.0 s, catalog-svc 9.5 s"


def test_the_cpu_a_process_used_is_read_and_summed():
    assert cpu_seconds(os.getpid()) > 0
    assert cpu_seconds(2**22 + 12345) is None  # no such process
    lines = summary(5.0, [("a", 4.0), ("b", 3.0)], cpu=[2.5, 1.0, None])
    assert lines[-1] == "  CPU to ready: 3.5 s in all, 2.5 s at most in one process"


def test_the_fork_servers_shared_imports_are_counted_once():
    lines = summary(5.0, [("a", 4.0)], cpu=[1.0], shared_cpu=3.25)
    assert lines[-1] == "  CPU of the shared imports (the fork server, once): 3.2 s"


def test_the_start_up_time_counts_from_the_command_typed_or_else_from_the_launchers_own_start():
    now, age = 1_000_000.0, process_age()
    assert age > 0
    assert since_invoked(now - age - 4.5, now) == pytest.approx(age + 4.5)  # PALAPA_INVOKED_AT: uv counted
    assert age <= since_invoked(None, now) < age + 60  # run directly: from this process's own start
    for not_this_run in (now + 60, now - 7200):  # ahead, or hours ago: this process's own start instead
        assert age <= since_invoked(not_this_run, now) < age + 60
    lines = summary(5.0, [("a", 4.0)], cpu=[1.0], shared_cpu=3.25, launcher_cpu=1.5)
    assert lines[-1] == "  CPU of the launcher: 1.5 s"


def test_the_fork_server_preloads_every_process_of_the_one_list_and_what_they_import_once_running():
    import subprocess
    import sys

    # in a fresh interpreter: what the zygote imports before its first fork
    probe = ("import sys; from palapa.devstack import zygote; zygote.preload(); "
             "from palapa.devstack.services import SERVICES; "
             "print(all(s.module + '.main' in sys.modules for s in SERVICES), 'uvicorn.lifespan.on' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=600, check=True)
    assert out.stdout.split() == ["True", "True"]
