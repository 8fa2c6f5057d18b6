"""Where a process's start went: the wall and CPU seconds of each step, said once in its log when it is up
(docs/operations.md, "Start-up time")."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Phases:
    """Steps of a start, in order; the first one counts from when this was made (the app's build, the server's)."""

    def __init__(self, first: str = "app and server") -> None:
        self.steps: list[tuple[str, float, float]] = []
        self._mark = (first, time.monotonic(), time.process_time())

    def _close(self, next_name: str) -> None:
        name, wall, cpu = self._mark
        self.steps.append((name, time.monotonic() - wall, time.process_time() - cpu))
        self._mark = (next_name, time.monotonic(), time.process_time())

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time `name`; what ran since the last step is counted under the name it was marked with."""
        self._close(name)
        try:
            yield
        finally:
            self._close("other")

    def line(self) -> str:
        """`start-up: migrations 0.40 s (0.05 s CPU), …` (CPU of the whole process: its threads included)."""
        shown = [(n, w, c) for n, w, c in self.steps if n != "other" or w >= 0.01]
        total_wall, total_cpu = sum(w for _, w, _ in shown), sum(c for _, _, c in shown)
        parts = ", ".join(f"{n} {w:.2f} s ({c:.2f} s CPU)" for n, w, c in shown)
        return f"start-up {total_wall:.2f} s ({total_cpu:.2f} s CPU): {parts}"
