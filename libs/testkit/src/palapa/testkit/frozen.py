"""A PostgreSQL server of a test's own that the test can freeze (SIGSTOP) and resume, as a hung database.

Never freeze the session's shared server: other tests use it at the same time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from palapa.localstack import LocalPostgres, ensure_database


class FreezablePostgres:
    """An embedded PostgreSQL (`url`: its maintenance database) whose every process `frozen()` stops."""

    def __init__(self, server: LocalPostgres) -> None:
        self.server = server
        self.url = server.url()

    async def database(self, name: str) -> str:
        return await ensure_database(self.url, name)

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """Every process of the server stopped, resumed on the way out whatever happened inside. The
        postmaster first (it forks no new backend then), then its children: each backend calls setsid(), so
        the process group is the postmaster alone."""
        postmaster = self.server.proc.pid
        stopped = [postmaster]
        try:
            os.kill(postmaster, signal.SIGSTOP)
            for child in _children(postmaster):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGSTOP)
                    stopped.append(child)
            yield
        finally:
            for pid in reversed(stopped):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            # the command name is in parentheses and may hold spaces: the fields after it are fixed
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@contextmanager
def freezable_postgres() -> Iterator[FreezablePostgres]:
    folder = Path(tempfile.mkdtemp(prefix="palapa-pg-frozen-"))
    os.chmod(folder, 0o755)  # the unprivileged server user must reach its data folder
    try:
        with LocalPostgres(folder / "data", durable=False) as pg:
            yield FreezablePostgres(pg)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
