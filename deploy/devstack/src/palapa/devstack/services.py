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
    databases: tuple[str, ...] = ()  # other legacy apps' databases: name → {NAME}_DATABASE_URL, database {name}_legacy
    # settings the stack gives it (name after env_prefix → template): {port[<service>]} is another service's
    # port, {secret} a secret shared by this run's services (e.g. a webhook's signing key)
    links: tuple[tuple[str, str], ...] = ()
    pbb: bool = False  # needs BPKPD's PBB database (payments table) and the export drop folder
    apps: tuple[str, ...] = ()  # the legacy apps it bridges: its signing key is registered for them (keys.py)


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("complaint-svc", "palapa.complaint", "COMPLAINT_", 8101),
    ServiceSpec("catalog-svc", "palapa.catalog", "CATALOG_", 8102),
    ServiceSpec("notify-svc", "palapa.notify", "NOTIFY_", 8103),
    ServiceSpec("tracking-svc", "palapa.tracking", "TRACKING_", 8110),
    ServiceSpec("bridge-curhat", "palapa.bridge_curhat", "BRIDGE_CURHAT_", 8104, legacy=True,
                apps=("curhat-ning-ita",)),
    ServiceSpec("sim-curhat", "palapa.sim_curhat", "SIM_CURHAT_", None, legacy=True),
    ServiceSpec("bridge-mapped", "palapa.bridge_mapped", "BRIDGE_MAPPED_", 8111, databases=("puskesmas",)),
    ServiceSpec("sim-puskesmas", "palapa.sim_puskesmas", "SIM_PUSKESMAS_", None, databases=("puskesmas",)),
    ServiceSpec("bridge-psc119", "palapa.bridge_psc119", "BRIDGE_PSC119_", 8105,
                links=(("LEGACY_API_URL", "http://127.0.0.1:{port[sim-psc119]}"), ("WEBHOOK_SECRET", "{secret}")),
                apps=("psc-119",)),
    ServiceSpec("sim-psc119", "palapa.sim_psc119", "SIM_PSC119_", 8115,
                links=(("WEBHOOK_URL", "http://127.0.0.1:{port[bridge-psc119]}/webhooks/psc119"),
                       ("WEBHOOK_SECRET", "{secret}"))),
    ServiceSpec("sim-cctv", "palapa.sim_cctv", "SIM_CCTV_", 8118),
    ServiceSpec("bridge-cctv", "palapa.bridge_cctv", "BRIDGE_CCTV_", 8108,
                links=(("LEGACY_URL", "http://127.0.0.1:{port[sim-cctv]}"),), apps=("cctv",)),
    ServiceSpec("sim-simakel", "palapa.sim_simakel", "SIM_SIMAKEL_", 8119),
    ServiceSpec("bridge-simakel", "palapa.bridge_simakel", "BRIDGE_SIMAKEL_", 8109,
                links=(("LEGACY_URL", "http://127.0.0.1:{port[sim-simakel]}"),), apps=("si-makel",)),
    ServiceSpec("bridge-pbb", "palapa.bridge_pbb", "BRIDGE_PBB_", 8106, pbb=True, apps=("cek-pbb",)),
    ServiceSpec("taxbill-svc", "palapa.taxbill", "TAXBILL_", 8107),
    ServiceSpec("sim-pbb", "palapa.sim_pbb", "SIM_PBB_", None, pbb=True),
)

#: The Curhat Ning Ita flow (legacy row → bridge → complaint-svc → notify-svc, the catalog following it): what fuzz,
#: chaos and the latency/throughput benchmarks drive and check, started without the other apps' processes.
CURHAT_FLOW: tuple[str, ...] = ("complaint-svc", "catalog-svc", "notify-svc", "bridge-curhat", "sim-curhat")
