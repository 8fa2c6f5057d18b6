"""A legacy JSON endpoint (paged after a cursor) bridged by YAML alone, on real Tansu + PostgreSQL."""

import contextlib

import pytest
from fastapi import FastAPI

from palapa.bridge_mapped.main import create_app
from palapa.bridge_mapped.mapping import load
from palapa.bridge_mapped.settings import BridgeMappedSettings
from palapa.contracts.topics import BRIDGE_QUARANTINE, HEALTH_QUEUES
from palapa.localstack import free_port
from palapa.testkit import eventually, running

pytestmark = pytest.mark.integration
MAPPING = """\
app_id: antrian-rsud
opd: RSUD
source:
  url: ${RSUD_API}/api/antrian
  items: data
  id_field: id
  timestamp_field: diubah
  next: next
  more: more
  cursor_param: setelah
schedule: {every_seconds: 0.2}
event: QueueTicketCalled
key: ticket
status: {column: status, values: {MENUNGGU: skip, DIPANGGIL: emit}}
fields:
  ticket: {column: id, prefix: RSUD-}
  source_app: {value: antrian-rsud}
  source_ref: id
  facility: {value: RSUD dr. Wahidin Sudiro Husodo}
  queue_number: nomor
  clinic: poli.nama
  called_at: diubah
"""


def legacy_api(items: list[dict]) -> FastAPI:
    """The RSUD's queue API: items after `setelah` (an index), two per page."""
    app = FastAPI()

    @app.get("/api/antrian")
    async def antrian(setelah: int = 0):
        page = items[setelah:setelah + 2]
        return {"data": page, "next": str(setelah + len(page)), "more": setelah + len(page) < len(items)}

    return app


async def test_called_items_become_events_page_by_page_and_a_bad_item_is_quarantined(
        tmp_path, kafka_bootstrap, database_url, topic_reader):
    items = [
        {
            "id": 1,
            "nomor": "A-001",
            "status": "DIPANGGIL",
            "diubah": "2026-11-26T08:00:00+07:00",
            "poli": {"nama": "Poli Anak"},
        },
        {"id": 2, "nomor": "A-002", "status": "MENUNGGU", "diubah": "2026-11-26T08:01:00+07:00"},
        {"id": 3, "nomor": "A-003", "status": "DIPANGGIL", "diubah": "kemarin"},
        {"id": 4, "nomor": "A-004", "status": "DIPANGGIL", "diubah": "2026-11-26T08:03:00+07:00"},
        {"id": 5, "nomor": "", "status": "DIPANGGIL", "diubah": "2026-11-26T08:04:00+07:00"},
    ]
    async with contextlib.AsyncExitStack() as stack:
        api = await stack.enter_async_context(running(legacy_api(items), port=free_port(), name="rsud-api"))
        path = tmp_path / "rsud.yaml"
        path.write_text(MAPPING)
        mapping = load(path, {"RSUD_API": api.base_url})
        settings = BridgeMappedSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                                        KAFKA_PROFILE="tansu", heartbeat_seconds=0.5)
        bridge = await stack.enter_async_context(running(create_app(settings, mapped=[mapping]), name="bridge-mapped"))
        await eventually(lambda: len(topic_reader.of(HEALTH_QUEUES)) == 2, what="the two good calls")
        await eventually(lambda: len(topic_reader.of(BRIDGE_QUARANTINE)) == 2, what="two bad items")
        calls = topic_reader.of(HEALTH_QUEUES)
        assert [r.key for r in calls] == ["RSUD-1", "RSUD-4"]
        assert calls[0].envelope.data.clinic == "Poli Anak"
        assert calls[0].envelope.data.called_at.isoformat() == "2026-11-26T01:00:00+00:00"
        reasons = {r.envelope.data.source_id: r.envelope.data.reason for r in topic_reader.of(BRIDGE_QUARANTINE)}
        assert reasons == {"3": "bad_timestamp: diubah='kemarin'", "5": "blank_nomor: required for queue_number"}

        items.append({"id": 6, "nomor": "A-006", "status": "DIPANGGIL", "diubah": "2026-11-26T08:05:00+07:00"})
        await eventually(lambda: len(topic_reader.of(HEALTH_QUEUES)) == 3, what="a new call after the cursor")
        mapped = bridge.app.state.mapped["antrian-rsud"]
        assert mapped.bridge.position.token == "6"
