"""The gate under `./palapa up`: Caddy (deploy/gate/Caddyfile) in front of gate-svc and the citizen-facing services.

Its port is chosen with the services' ({port[gate]} in ServiceSpec.links), so their pages can link through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from palapa.localstack import LocalCaddy

if TYPE_CHECKING:
    from .stack import Stack

GATE_PORT = 8100  # the one address citizens are given under `./palapa up` (free ports otherwise)
#: the Caddyfile's upstream names → the service behind each
UPSTREAMS = {"GATE_TO_PAGES": "gate-svc", "GATE_TO_COMPLAINT": "complaint-svc", "GATE_TO_CATALOG": "catalog-svc",
             "GATE_TO_NOTIFY": "notify-svc", "GATE_TO_TAXBILL": "taxbill-svc"}


def start_gate(stack: Stack) -> LocalCaddy | None:
    """Caddy on the stack's gate port, proxying to the services' ports; None when gate-svc is not part of it."""
    if "gate-svc" not in stack.running:
        return None
    stack.progress("gate: starting Caddy")
    caddy = LocalCaddy({name: f"127.0.0.1:{stack.ports[service]}" for name, service in UPSTREAMS.items()},
                       port=stack.ports["gate"], log_path=stack.logs / "caddy.log")
    try:
        caddy.start()
    except (RuntimeError, TimeoutError, OSError) as exc:
        from .stack import StackError

        raise StackError(f"the gate (Caddy) did not start: {exc}; log: {caddy.log_path}") from exc
    stack.progress(f"gate: Caddy on {caddy.url}")
    return caddy


def restart_gate(stack: Stack) -> bool:
    """Start Caddy again on its port if it died (the supervisor's round); True when it did."""
    caddy = stack.gate
    if caddy is None or caddy.proc is None or caddy.proc.poll() is None:
        return False
    stack.progress(f"gate: Caddy exited with code {caddy.proc.returncode}, restarting on {caddy.url}")
    caddy.stop()
    caddy.start()
    return True
