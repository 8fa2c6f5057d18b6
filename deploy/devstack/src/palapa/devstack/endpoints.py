"""What a running stack listens on, as `./palapa up` prints it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from palapa.localstack import STAFF, STAFF_CLIENT

if TYPE_CHECKING:
    from .stack import Stack


def endpoints_of(stack: Stack) -> list[tuple[str, str]]:
    """What listens where in `stack`, as the launcher prints it (passwords hidden)."""
    rows = [("citizens: the one address", stack.gate.url + "/")] if stack.gate else []
    rows += [("broker (Kafka protocol)", stack.kafka), ("PostgreSQL", _hide(stack.database_url)),
            ("legacy Curhat Ning Ita DB", _hide(stack.legacy_database_url)),
            *((f"legacy {name} DB", _hide(url)) for name, url in stack.app_databases.items()),
            ("BPKPD PBB DB (payments)", _hide(stack.pbb_database_url)),
            ("PBB export folder", str(stack.settings.data_dir / "pbb-exports"))]
    for run in stack.running.values():
        rows.append((run.spec.name, run.url or "(worker, no HTTP)"))
    if "notify-svc" in stack.running:
        rows.append(("citizen page", stack.running["notify-svc"].url + "/"))
    if stack.settings.otel_exporter_otlp_endpoint:
        rows.append(("traces (OTLP)", stack.settings.otel_exporter_otlp_endpoint))
    if stack.issuer:
        rows.append(("sign-in (OpenID Connect)", f"{stack.issuer} (client {STAFF_CLIENT}; docs/access.md)"))
        rows.append(("seeded staff", ", ".join(f"{key}={user['sub']}" for key, user in STAFF.items())))
    rows.append(("logs", str(stack.logs)))
    return rows


def _hide(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def tail(path: Path, lines: int = 30) -> str:
    """The last `lines` lines of a log file ('' when it cannot be read)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
