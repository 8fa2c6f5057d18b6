"""The processes of the platform: how each is started and how we know it is up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    module: str
    env_prefix: str
    port: int | None  # HTTP port with /readyz, None for a plain worker
    legacy: bool = False  # needs the legacy Curhat Ning Ita database


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("complaint-svc", "palapa.complaint", "COMPLAINT_", 8101),
    ServiceSpec("catalog-svc", "palapa.catalog", "CATALOG_", 8102),
    ServiceSpec("notify-svc", "palapa.notify", "NOTIFY_", 8103),
    ServiceSpec("tracking-svc", "palapa.tracking", "TRACKING_", 8110),
    ServiceSpec("bridge-curhat", "palapa.bridge_curhat", "BRIDGE_CURHAT_", 8104, legacy=True),
    ServiceSpec("sim-curhat", "palapa.sim_curhat", "SIM_CURHAT_", None, legacy=True),
)
