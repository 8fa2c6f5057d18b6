"""bridge-cctv, declared: Dishub's camera registry and status snapshots polled into camera events (only changes);
the kit's runner does the rest. Nothing connects at import."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge
from palapa.bridgekit.loop import SourceUnavailableError
from palapa.bridgekit.masking import safe_text
from palapa.bridgekit.protocol import LastState, Quarantine, SourceRecord, Translated
from palapa.bridgekit.runner import Declared, Feed, bridge_app
from palapa.bridgekit.state import RowStates
from palapa.bridgekit.sweeplist import ListingSweep
from palapa.contracts.events import CameraWentOffline
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, TRANSPORT_CAMERAS
from palapa.kit.http import serve
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import tables, translate
from .legacy import DishubClient
from .settings import BridgeCctvSettings

NAME = "bridge-cctv"
PUBLISHES = (TRANSPORT_CAMERAS, BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS)


def cctv_translation(settings: BridgeCctvSettings):
    """The kit's translation: translate.translate with the settings' zone and app."""

    def translation(record: SourceRecord, last: LastState | None) -> Translated | Quarantine:
        result = translate.translate(record.item, last.status if last else None, settings.tz, settings.app_id)
        if result.reason is not None:
            return Quarantine(result.reason)
        at = None
        if result.events:
            event = result.events[0]
            at = getattr(event, "changed_at", None) or getattr(event, "registered_at", None)
        return Translated(list(result.events), result.state, at)

    return translation


def record(obs: translate.Observation) -> SourceRecord:
    """The kit's record of an observation: the raw row as text (and how often it was listed) for quarantine."""
    first = obs.rows[0]
    # at most 50 columns of 100 KB each go to the quarantine table (its event cuts each further)
    row = {str(k)[:100]: None if v is None else str(v)[:100_000] for k, v in list(first.items())[:50]} \
        if isinstance(first, dict) else {"baris": str(first)[:100_000]}
    if len(obs.rows) > 1:
        row["jumlah_baris"] = str(len(obs.rows))
    kondisi = first.get("kondisi") if isinstance(first, dict) else None
    return SourceRecord(
        source_id=obs.source_id, fingerprint=translate.fingerprint(obs),
        status=str(kondisi) if obs.kind == translate.STATUS and kondisi is not None else obs.kind,
        changed_at=obs.observed_at.replace(tzinfo=None), row=row, item=obs,
    )


def mask_row(row: dict[str, str | None]) -> dict[str, str | None]:
    """Camera rows hold no personal data, but a typed field may: every value goes out masked and cut."""
    return {k: None if v is None else safe_text(v) for k, v in row.items()}


def removed(settings: BridgeCctvSettings):
    """What the sweep announces for a camera gone from Dishub's status list while online: it went offline (citizens
    must not be sent to it); a registry entry gone announces nothing."""

    def meaning(source_id: str, last: LastState) -> Translated | None:
        kind, _, camera_id = source_id.partition(":")
        if kind != translate.STATUS or last.status != "online" or not camera_id or camera_id.startswith("#"):
            return None
        now = datetime.now(UTC)
        return Translated([CameraWentOffline(camera_id=camera_id, app_id=settings.app_id, changed_at=now)], "offline",
                          now)

    return meaning


class SnapshotPoller:
    """Each poll reads both lists and hands the rows that changed to the bridge's ingest."""

    def __init__(self, bridge: Bridge, client: DishubClient, settings: BridgeCctvSettings) -> None:
        self.bridge, self.client, self.settings = bridge, client, settings

    @property
    def stats(self):
        return self.bridge.stats

    async def poll_once(self) -> int:
        bridge = self.bridge
        if bridge.position is None:
            await bridge.load_position()
        observed = datetime.now(UTC)
        try:
            snap = await self.client.snapshot()
        except Exception as exc:  # down, refused, timed out or answering something else: retried with backoff
            bridge.stats.legacy_reachable = False
            raise SourceUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        bridge.stats.legacy_reachable = True
        bridge.stats.polls += 1
        observations = translate.observations(snap.registry, snap.status, observed, snap.server_time, self.settings.tz)
        # most polls change nothing: look without the lock, and write nothing then
        changed = await bridge.changed([record(o) for o in observations])
        if changed:
            with bridge.runtime.tracer.start_as_current_span("cctv poll") as span:
                done = await bridge.ingest(changed, observed)
                span.set_attribute("cctv.rows_changed", done.handled)
                span.set_attribute("cctv.events", done.emitted)
                span.set_attribute("cctv.quarantined", done.quarantined)
        return 0  # a snapshot is read whole: never a page left to read at once


def declare(settings: BridgeCctvSettings):
    def declared(runtime: Runtime) -> Declared:
        client = DishubClient(settings.legacy_url, settings.request_timeout_seconds, settings.max_response_bytes)
        checkpoint = Checkpoint(tables.checkpoint, settings.app_id, None, tables.encode, tables.decode)
        bridge = Bridge(runtime, settings.app_id, checkpoint, RowStates(tables.bridge), cctv_translation(settings),
                        mask_row, "camera row")
        poller = SnapshotPoller(bridge, client, settings)

        async def oldest_unread() -> None:
            # a snapshot leaves nothing unread once taken; a source away is reported through the lag
            if not bridge.stats.legacy_reachable:
                raise SourceUnavailableError("Dishub CCTV app unreachable at the last poll")
            return None

        async def everything() -> list[SourceRecord]:
            snap = await client.snapshot()
            return [record(o) for o in translate.observations(snap.registry, snap.status, datetime.now(UTC),
                                                              snap.server_time, settings.tz)]

        feed = Feed(bridge, poller.poll_once, settings.poll_interval_seconds, settings.batch_size,
                    source="Dishub CCTV app", last_seen=lambda: bridge.position, oldest_unread=oldest_unread,
                    sweep=ListingSweep(bridge, everything, on_deleted=removed(settings)))
        return Declared([feed], close=[client.close], state={"poller": poller})

    return declared


def create_app(settings: BridgeCctvSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The bridge's app on the kit's runner: health routes; its lifespan runs the poller and the heartbeat."""
    return bridge_app(NAME, settings, tables.metadata, PUBLISHES, declare(settings), exporter=exporter)


def main() -> None:
    settings = load(BridgeCctvSettings, NAME)
    # one line per request to the legacy app, several a second: only its failures are worth a log line
    logging.getLogger("httpx").setLevel(logging.WARNING)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
