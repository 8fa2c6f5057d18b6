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
    pbb: bool = False  # needs BPKPD's PBB database (payments table) and the export drop folder


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("complaint-svc", "palapa.complaint", "COMPLAINT_", 8101),
    ServiceSpec("catalog-svc", "palapa.catalog", "CATALOG_", 8102),
    ServiceSpec("notify-svc", "palapa.notify", "NOTIFY_", 8103),
    ServiceSpec("bridge-curhat", "palapa.bridge_curhat", "BRIDGE_CURHAT_", 8104, legacy=True),
    ServiceSpec("sim-curhat", "palapa.sim_curhat", "SIM_CURHAT_", None, legacy=True),
    ServiceSpec("bridge-pbb", "palapa.bridge_pbb", "BRIDGE_PBB_", 8106, pbb=True),
    ServiceSpec("taxbill-svc", "palapa.taxbill", "TAXBILL_", 8107),
    ServiceSpec("sim-pbb", "palapa.sim_pbb", "SIM_PBB_", None, pbb=True),
)
