"""Every service's outbox for SRE (the kit's /ops/outbox, added by service_app): the backlog and the parked rows
with their reason; a parked row released goes out, one discarded is gone with its reason on the audit log; nobody
but SRE may do either."""

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import MetaData, select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged
from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.audit import audit_records
from palapa.kit.auth import ProtectionTable
from palapa.kit.http import service_app
from palapa.kit.outbox import Outbox
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.testkit import eventually
from palapa.testkit.protection import assert_routes_protected

pytestmark = pytest.mark.integration


def _event(n: int) -> Envelope:
    data = ComplaintStatusChanged(ticket=f"T-OPS-{n}", source_app="test", source_ref=str(n), status="verified",
                                  changed_at=datetime.now(UTC))
    return Envelope(data, source="/apps/test", subject=f"T-OPS-{n}")


async def _parked(runtime, n: int, reason: str) -> int:
    """An outbox row parked as the relay parks one the broker refuses for good."""
    t = runtime.outbox.table
    async with runtime.transaction() as tx:
        row = Outbox.row(_event(n))
        row_id = (await tx.session.execute(t.insert().values(
            **row, parked_at=datetime.now(UTC), park_reason=reason).returning(t.c.id))).scalar_one()
    return row_id


async def test_sre_sees_parked_rows_releases_one_and_discards_another_with_a_reason(
    kafka_bootstrap, database_url, identity_provider
):
    settings = ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                               KAFKA_PROFILE="tansu", OIDC_ISSUER=identity_provider.issuer)
    runtime = Runtime(settings, "ops-outbox-svc", MetaData(schema="ops_outbox_svc"))
    app = service_app(runtime, title="x", topics=ALL_TOPICS, protection=ProtectionTable("ops-outbox-svc", []))
    assert_routes_protected(app)
    sre, desk = await identity_provider.token("sre"), await identity_provider.token("desk")
    as_sre = {"Authorization": f"Bearer {sre}"}
    t = runtime.outbox.table
    async with app.router.lifespan_context(app):
        # parked while the relay runs: the relay leaves parked rows alone
        kept = await _parked(runtime, 1, "MessageSizeTooLargeError: 08123456789 too large")
        dropped = await _parked(runtime, 2, "refused for good")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
            assert (await http.get("/ops/outbox")).status_code == 401
            refused = await http.get("/ops/outbox", headers={"Authorization": f"Bearer {desk}"})
            assert (refused.status_code, refused.json()["reason"]) == (403, "role_missing")
            refused = await http.post(f"/ops/outbox/{kept}/release", headers={"Authorization": f"Bearer {desk}"})
            assert refused.status_code == 403
            assert (await http.get("/ops/consumers", headers={"Authorization": f"Bearer {desk}"})).status_code == 403
            consumed = (await http.get("/ops/consumers", headers=as_sre)).json()
            assert consumed == {"service": "ops-outbox-svc", "partitions": []}  # it consumes nothing
            state = (await http.get("/ops/outbox", headers=as_sre)).json()
            assert state["service"] == "ops-outbox-svc"
            assert [r["id"] for r in state["parked"]] == [kept, dropped]
            assert "08123456789" not in state["parked"][0]["reason"]  # identity never shown, even in a reason
            assert (await http.post(f"/ops/outbox/{dropped}/discard", json={"why": ""}, headers=as_sre)
                    ).status_code == 422  # a discard says why
            assert (await http.post(f"/ops/outbox/{kept}/release", json={"why": "batas ukuran dinaikkan"},
                                    headers=as_sre)).status_code == 200
            again = await http.post(f"/ops/outbox/{kept}/release", headers=as_sre)
            assert (again.status_code, again.json()["reason"]) == (409, "not_parked")
            gone = await http.post(f"/ops/outbox/{dropped}/discard", json={"why": "event uji, tidak perlu"},
                                   headers=as_sre)
            assert gone.status_code == 200
            assert (await http.post(f"/ops/outbox/{dropped}/discard", json={"why": "lagi"}, headers=as_sre)
                    ).status_code == 404
            assert (await http.post("/ops/outbox/999999/release", headers=as_sre)).status_code == 404

        async def released_row_published():
            async with runtime.sessions() as s:
                return await s.scalar(select(t.c.published_at).where(t.c.id == kept)) is not None

        await eventually(released_row_published, timeout=30)
        async with runtime.sessions() as s:
            assert await s.scalar(select(t.c.id).where(t.c.id == dropped)) is None
            records = await audit_records(s, runtime.audit_log, object_type="outbox")
    actions = {(r["action"], r["object_id"], r["why"], r["actor"]) for r in records}
    assert actions == {
        ("ops.outbox.release", f"ops-outbox-svc:{kept}", "batas ukuran dinaikkan", "sre"),
        ("ops.outbox.discard", f"ops-outbox-svc:{dropped}", "event uji, tidak perlu", "sre"),
    }
