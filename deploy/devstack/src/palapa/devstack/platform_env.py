"""`.data/platform.env`: where the running `./palapa up` keeps its database, broker and sign-in, for the commands
that need them (`./palapa complaint`, `migrate`, `topics`, `reconcile`, `catalog`, `token` read it when the
environment names nothing else). Written once the platform is up, removed as it stops."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .stack import Stack

FILE = "platform.env"


def of(stack: Stack) -> dict[str, str]:
    """What the commands run beside a started stack need: its database, broker, sign-in and catalog."""
    catalog = stack.ports.get("catalog-svc")
    return {"DATABASE_URL": stack.database_url, "KAFKA_BOOTSTRAP_SERVERS": stack.kafka, "OIDC_ISSUER": stack.issuer,
            "CURHAT_LEGACY_DATABASE_URL": stack.legacy_database_url,
            "PALAPA_CATALOG_URL": f"http://127.0.0.1:{catalog}" if catalog else ""}


def write(data_dir: Path, values: dict[str, str]) -> Path:
    """KEY=VALUE lines, with this process's id first: a file left by a killed run names a dead process."""
    path = Path(data_dir) / FILE
    lines = [f"PALAPA_PLATFORM_PID={os.getpid()}", *(f"{k}={v}" for k, v in values.items() if v)]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    os.replace(tmp, path)
    return path


def remove(data_dir: Path) -> None:
    """Remove the file if this process wrote it (another run may own it by now)."""
    path = Path(data_dir) / FILE
    try:
        if f"PALAPA_PLATFORM_PID={os.getpid()}\n" in path.read_text():
            path.unlink()
    except OSError:
        pass
