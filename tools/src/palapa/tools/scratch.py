"""A throwaway platform for the fuzz, chaos and bench commands: its processes and databases in a temporary folder."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from palapa.devstack import CURHAT_FLOW, DevstackSettings, Stack
from palapa.testkit.identity import Identity


def scratch_folder(prefix: str) -> Path:
    """A temporary folder the unprivileged PostgreSQL user can enter (mkdtemp makes it 0700)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(folder, 0o755)
    return folder


def stop_like_ctrl_c() -> None:
    """SIGTERM (`timeout`, a CI runner, `kill`) interrupts as Ctrl-C does, so the `finally` that stops a scratch
    platform runs: with Python's default SIGTERM the command ends at once and leaves its processes running."""
    signal.signal(signal.SIGTERM, _interrupt_once)


def _interrupt_once(signum, frame) -> None:
    # a second SIGTERM must not cut the stopping short: `timeout` signals the whole process group and `uv run`
    # forwards the signal too, so the command gets it twice
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def scratch_settings(folder: Path) -> DevstackSettings:
    """Own Tansu and embedded PostgreSQL whatever the environment names: these commands kill the broker,
    poison topics and compare every legacy row, which must not touch a shared broker or database."""
    return DevstackSettings(
        PALAPA_DATA_DIR=folder, LOG_LEVEL="WARNING", KAFKA_BOOTSTRAP_SERVERS=None, KAFKA_PROFILE=None,
        DATABASE_URL=None, CURHAT_LEGACY_DATABASE_URL=None, OTEL_EXPORTER_OTLP_ENDPOINT=None,
    )


@asynccontextmanager
async def bench_stack(prefix: str = "palapa-bench-", only: tuple[str, ...] = CURHAT_FLOW, simulate: bool = False,
                      extra_env: dict[str, dict[str, str]] | None = None, signed: bool = True,
                      ) -> AsyncIterator[Stack]:
    """The processes `only` names on free ports in a temporary folder, started and then removed (the benchmarks'
    stack: the broker and database the environment names are honoured). Simulators start only when `simulate`."""
    folder = scratch_folder(prefix)
    settings = DevstackSettings(PALAPA_DATA_DIR=folder, LOG_LEVEL="WARNING")
    stack = Stack(settings, durable=False, simulate=simulate, only=only, extra_env=extra_env or {}, signed=signed,
                  tool_key=True, progress=lambda line: print("  " + line, flush=True))
    try:
        await stack.start()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def staff_token(stack: Stack, who: str = "catalog") -> str:
    """A seeded staff member's token from the stack's own identity provider (palapa.localstack.STAFF keys): the
    benchmarks that write through a protected route sign in like anyone else."""
    return await Identity(stack.issuer).token(who)
