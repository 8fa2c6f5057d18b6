"""The launcher forks its services from one preloaded process: each child is `python -m <module>` with its own
environment, output and session, answers as a Popen does, and nothing outlives the launcher."""

import os
import signal
import subprocess
import textwrap
import time

import pytest

from palapa.devstack.forked import ForkServer


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    """Small modules the zygote can run (on its PYTHONPATH)."""
    tmp_path = tmp_path_factory.mktemp("modules")
    (tmp_path / "says_env.py").write_text(textwrap.dedent("""
        import os, sys
        print("WHO", os.environ.get("WHO"), "ARGV", sys.argv[0], "MAIN", __name__)
        print("TO STDERR", file=sys.stderr)
        sys.exit(int(os.environ.get("CODE", "0")))
    """))
    (tmp_path / "sleeps.py").write_text("import time\nprint('sleeping', flush=True)\ntime.sleep(600)\n")
    (tmp_path / "fails.py").write_text("raise RuntimeError('rusak')\n")
    (tmp_path / "draws.py").write_text("import random\nprint('DRAW', random.random())\n")
    return tmp_path


@pytest.fixture(scope="module")
def forks(modules):
    """One zygote for these tests (its imports take seconds); a test that stops it gets a new one on its next spawn."""
    server = ForkServer(modules / "fork-server.log", env={**os.environ, "PYTHONPATH": str(modules)})
    yield server
    server.stop()


def test_a_child_runs_its_module_as_main_with_its_own_environment_and_log(modules, forks, tmp_path):
    log = tmp_path / "a.log"
    proc = forks.spawn("says_env", {"WHO": "anak", "CODE": "3", "PATH": os.environ["PATH"]}, log)
    assert proc.wait(60) == 3 and proc.poll() == 3 and proc.returncode == 3
    text = log.read_text()
    assert "WHO anak ARGV " in text and "says_env.py MAIN __main__" in text and "TO STDERR" in text  # as python -m
    assert "WHO" not in os.environ  # the launcher's own environment is untouched


def test_each_child_gets_only_the_environment_it_was_given(modules, forks, tmp_path):
    first = forks.spawn("says_env", {"WHO": "satu"}, tmp_path / "1.log")
    second = forks.spawn("says_env", {}, tmp_path / "2.log")
    assert first.wait(60) == 0 and second.wait(60) == 0
    assert "WHO satu" in (tmp_path / "1.log").read_text() and "WHO None" in (tmp_path / "2.log").read_text()


def test_a_crash_is_reported_with_its_traceback_and_exit_code_1(modules, forks, tmp_path):
    proc = forks.spawn("fails", {}, tmp_path / "f.log")
    assert proc.wait(60) == 1
    assert "RuntimeError: rusak" in (tmp_path / "f.log").read_text()


def test_a_missing_module_ends_its_child_not_the_server(modules, forks, tmp_path):
    assert forks.spawn("no_such_module", {}, tmp_path / "m.log").wait(60) == 1
    assert "No module named no_such_module" in (tmp_path / "m.log").read_text()
    assert forks.spawn("says_env", {}, tmp_path / "ok.log").wait(60) == 0


def test_signals_reach_the_child_in_a_session_of_its_own(modules, forks, tmp_path):
    proc = forks.spawn("sleeps", {}, tmp_path / "s.log")
    deadline = time.monotonic() + 60
    while "sleeping" not in (tmp_path / "s.log").read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.getpgid(proc.pid) == proc.pid and proc.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        proc.wait(0.1)
    proc.terminate()
    assert proc.wait(10) == -signal.SIGTERM


def test_when_the_launchers_end_of_the_pipe_closes_every_child_is_stopped(modules, forks, tmp_path):
    # stop() only closes the pipe, as the kernel does for a launcher killed with -9
    children = [forks.spawn("sleeps", {}, tmp_path / f"{i}.log") for i in range(3)]
    forks.stop()
    for child in children:
        assert child.poll() is not None
        with pytest.raises(ProcessLookupError):
            os.kill(child.pid, 0)
    assert forks.spawn("says_env", {}, tmp_path / "again.log").wait(60) == 0  # a new server on the next spawn


def test_the_children_do_not_share_the_servers_random_state(modules, forks, tmp_path):
    draws = []
    for i in range(2):
        log = tmp_path / f"d{i}.log"
        assert forks.spawn("draws", {}, log).wait(60) == 0
        draws.append(log.read_text())
    assert draws[0] != draws[1]
