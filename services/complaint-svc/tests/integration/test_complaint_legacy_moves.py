"""Both ways (issue 17): a staff move on a case Curhat Ning Ita holds is sent to its bridge with who made it; a move
the app superseded is shown on the timeline, and the app's status is the case's."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.complaint.settings import ComplaintSettings
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import (
    CaseStatus,
    ComplaintMoveSuperseded,
    ComplaintStatusChangedV2,
    ComplaintSubmitted,
)
from palapa.contracts.topics import CURHAT_COMMANDS
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
APP = "/apps/curhat-ning-ita"
S = CaseStatus


@pytest.fixture
def settings(kafka_bootstrap, database_url, identity_provider) -> ComplaintSettings:
    return ComplaintSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                             OIDC_ISSUER=identity_provider.issuer, sla_check_seconds=3600)


@pytest.fixture
async def staff(identity_provider) -> dict:
    """The desk's Ani, signed in: her account name is what the commands and the timeline record."""
    return {"Authorization": f"Bearer {await identity_provider.person('ani.dpupr', roles=['complaints-desk'])}"}


def submitted(ticket: str, app: str = "curhat-ning-ita") -> Envelope:
    event = ComplaintSubmitted(ticket=ticket, source_app=app, source_ref=ticket.split("-")[1], category="Jalan Rusak",
                               description="Jalan berlubang", status="verified", legacy_status="1", submitted_at=T0)
    return Envelope(event, source=f"/apps/{app}", subject=ticket)


def legacy_move(ticket: str, status: CaseStatus, code: str, hours: float = 1) -> Envelope:
    event = ComplaintStatusChangedV2(ticket=ticket, source_app="curhat-ning-ita", source_ref=ticket.split("-")[1],
                                     status=status, legacy_status=code, changed_at=T0 + timedelta(hours=hours))
    return Envelope(event, source=APP, subject=ticket)


async def case(service, ticket: str, check=lambda c: True) -> dict:
    async def found():
        res = await service.http.get(f"/complaints/{ticket}", headers=service.desk)
        return res.json() if res.status_code == 200 and check(res.json()) else None

    return await eventually(found, what=f"{ticket} as expected")


def commands(topic_reader, tickets) -> list:
    return [r.envelope.data for r in topic_reader.of(CURHAT_COMMANDS) if r.key in tickets]


async def test_a_staff_move_goes_to_the_bridge_and_a_superseded_one_is_shown_while_the_app_s_status_wins(
    service, producer, topic_reader, staff
):
    await producer.send(submitted("CURHAT-501"))
    await case(service, "CURHAT-501")
    res = await service.http.post("/complaints/CURHAT-501/status", json={"status": "in_progress"}, headers=staff)
    assert res.status_code == 200, res.text
    [cmd] = await eventually(lambda: commands(topic_reader, {"CURHAT-501"}), what="SetComplaintStatus")
    assert (cmd.legacy_ref, cmd.status, cmd.seen_status, cmd.seen_legacy_status) == ("501", S.IN_PROGRESS,
                                                                                      S.VERIFIED, "1")
    assert (cmd.by, cmd.revision) == ("ani.dpupr", res.json()["revision"])

    # the app had rejected it meanwhile: the bridge answers, and the app's own move arrives as usual
    answer = ComplaintMoveSuperseded(ticket="CURHAT-501", source_app="curhat-ning-ita", source_ref="501",
                                     status=S.IN_PROGRESS, by="ani.dpupr", revision=cmd.revision, legacy_status="9",
                                     legacy_case_status=S.REJECTED, superseded_at=datetime.now(UTC))
    await producer.send(Envelope(answer, source=APP, subject="CURHAT-501"))
    await producer.send(legacy_move("CURHAT-501", S.REJECTED, "9", hours=2))
    shown = await case(service, "CURHAT-501", lambda c: c["status"] == "rejected" and c["revision"] >= 4)
    notes = [step["note"] for step in shown["timeline"]]
    assert ("Langkah dari portal oleh ani.dpupr (Sedang diproses) digantikan oleh curhat-ning-ita: kode 9 (Ditolak)"
            in notes)
    assert len(commands(topic_reader, {"CURHAT-501"})) == 1  # the app's move is never sent back


async def test_moves_made_by_the_app_and_moves_on_cases_it_does_not_hold_send_nothing(
    service, producer, topic_reader, staff
):
    await producer.send(submitted("CURHAT-502"))
    await producer.send(submitted("SIMAKEL-503", app="si-makel"))
    await case(service, "SIMAKEL-503")
    await producer.send(legacy_move("CURHAT-502", S.IN_PROGRESS, "2"))
    await producer.send(legacy_move("CURHAT-502", S.VERIFIED, "1", hours=2))  # set back in the app: a correction
    await case(service, "CURHAT-502", lambda c: c["revision"] == 3)
    res = await service.http.post("/complaints/SIMAKEL-503/status", json={"status": "in_progress"}, headers=staff)
    assert res.status_code == 200, res.text
    res = await service.http.post("/complaints/CURHAT-502/category", json={"category": "PJU"}, headers=staff)
    assert res.status_code == 200, res.text
    # a staff move last: every command staged before it would be on the (one-partition) topic ahead of it
    res = await service.http.post("/complaints/CURHAT-502/status", json={"status": "resolved"}, headers=staff)
    assert res.status_code == 200, res.text
    await eventually(lambda: commands(topic_reader, {"CURHAT-502"}), what="the staff move's command")
    [only] = commands(topic_reader, {"CURHAT-502", "SIMAKEL-503"})
    assert (only.ticket, only.status, only.seen_status, only.seen_legacy_status) == ("CURHAT-502", S.RESOLVED,
                                                                                     S.VERIFIED, "1")
