"""The launcher stops its processes side by side: each is asked to stop at once, and one that does not is killed
after the grace, which the others do not wait for one by one."""

import signal
import subprocess
import sys

from palapa.localstack import terminate_all

IGNORES_TERM = "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ok', flush=True); " \
               "time.sleep(600)"


def test_every_process_is_asked_and_one_that_ignores_it_is_killed_after_the_grace():
    polite = [subprocess.Popen(["sleep", "600"]) for _ in range(3)]
    stubborn = subprocess.Popen([sys.executable, "-c", IGNORES_TERM], stdout=subprocess.PIPE)
    assert stubborn.stdout.readline() == b"ok\n"  # its handler is set
    terminate_all([*polite, stubborn, None], grace_s=1)
    assert [p.returncode for p in polite] == [-signal.SIGTERM] * 3
    assert stubborn.returncode == -signal.SIGKILL


def test_processes_already_gone_are_left_alone():
    done = subprocess.Popen(["true"])
    done.wait()
    terminate_all([done])
    assert done.returncode == 0
