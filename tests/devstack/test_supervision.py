"""The launcher's supervisor restarts what crashed, never what was stopped on purpose meanwhile."""

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from palapa.devstack.services import ServiceSpec
from palapa.devstack.settings import DevstackSettings
from palapa.devstack.stack import Stack

# `python -m this` prints and exits at once: a process that is soon dead, whether crashed or stopped
CRASHES = ServiceSpec("crashes", "this", "CRASHES_", None)
WRITER = ServiceSpec("writer", "this", "WRITER_", None)


async def test_a_service_stopped_while_another_restarts_stays_stopped():
    # the chaos run's failure: the supervisor waited for a killed service to be ready again, the writers
    # were stopped meanwhile, and the supervisor then found them dead and started them again
    folder = Path(tempfile.mkdtemp(prefix="palapa-supervision-"))
    os.chmod(folder, 0o755)
    lines: list[str] = []
    stack = Stack(DevstackSettings(PALAPA_DATA_DIR=folder), progress=lines.append)
    stack.logs.mkdir(parents=True)
    waiting, ready = asyncio.Event(), asyncio.Event()

    async def slow_to_be_ready(run, timeout_s: float = 60) -> None:  # a service waiting for its broker
        waiting.set()
        await ready.wait()

    stack._wait_ready = slow_to_be_ready
    try:
        stack._spawn(CRASHES).proc.wait(10)
        stack._spawn(WRITER)
        supervisor = asyncio.create_task(stack.restart_crashed())
        await asyncio.wait_for(waiting.wait(), 10)  # restarting `crashes`, `writer` still to look at
        stack.stop_service("writer")
        ready.set()
        assert await asyncio.wait_for(supervisor, 10) == ["crashes"]
        assert "writer" not in stack.running
        assert not any(line.startswith("writer: exited") for line in lines), lines
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)
