"""The citizen's complaint form on the real broker and PostgreSQL: filed once, followed by its ticket."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from palapa.complaint.identity import Keys
from palapa.complaint.tables import submissions
from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.kit.sealed import open_identity
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

FORM = {"kategori": "jalan-rusak", "uraian": "Lubang besar di depan SDN Kranggan 2, membahayakan pengendara",
        "kelurahan": "Kranggan", "anonim": False, "nama": "Siti Aminah", "telepon": "081234567890"}


async def test_a_filed_complaint_opens_a_case_routed_to_its_opd_and_the_link_follows_it(service):
    res = await service.http.post("/complaints", json=FORM, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert res.status_code == 201, res.text
    ticket, link, pin = res.json()["ticket"], res.json()["link"], res.json()["pin"]
    capability = link.split("#tiket=")[1].removeprefix(f"{ticket}&kunci=")
    assert len(capability) >= 43 and len(pin) == 6 and pin.isdigit()  # 256 bits after '#': never sent, never logged

    async def opened():
        r = await service.http.get(f"/complaints/{ticket}", headers={"X-Case-Key": capability})
        return r.status_code == 200 and r.json()

    case = await eventually(opened, what="the case to open")
    assert case["opd"] == "DPUPR" and case["source_app"] == "palapa-portal"
    assert "Siti" not in str(case) and "0812" not in str(case)


async def test_the_reporter_and_the_private_link_travel_sealed_for_notify_and_rest_sealed_here(service, topic_reader):
    form = {**FORM, "email": "siti@contoh.id"}
    res = await service.http.post("/complaints", json=form, headers={"Idempotency-Key": str(uuid.uuid4())})
    ticket, link = res.json()["ticket"], res.json()["link"]
    capability = link.split("kunci=")[1]

    def submitted():
        return [r for r in topic_reader.of(COMPLAINT_INTAKE) if r.key == ticket]

    [record] = await eventually(submitted, what="the ComplaintSubmitted on the intake topic")
    for clear in (b"Siti", b"0812", b"siti@", capability.encode()):  # the bytes a reader of the topic sees
        assert clear not in record.value
    keys = Keys.development()
    told = open_identity(keys.reporters, ticket, record.envelope.data.reporter_sealed)
    assert (told.name, told.phone, told.email, told.link) == ("Siti Aminah", "081234567890", "siti@contoh.id", link)
    async with service.runtime.sessions() as session:
        kept = (await session.execute(select(submissions).where(submissions.c.ticket == ticket))).one()
    assert not any(v in repr(tuple(kept)) for v in ("Siti", "0812", "siti@", capability))
    assert keys.open_row(ticket, kept.contact_sealed).link is None  # the capability is never kept here


async def test_a_double_submission_files_one_complaint(service):
    key = str(uuid.uuid4())
    answers = await asyncio.gather(*(service.http.post("/complaints", json=FORM, headers={"Idempotency-Key": key})
                                     for _ in range(4)))
    assert len({a.json()["ticket"] for a in answers}) == 1
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    async with service.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(submissions)) == 1


async def test_a_bad_form_is_refused_with_the_field_and_a_message(service):
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    res = await service.http.post("/complaints", json={**FORM, "uraian": "rusak"}, headers=headers)
    assert res.status_code == 422 and res.json()["field"] == "uraian"
    assert (await service.http.post("/complaints", content=b"{bukan json", headers=headers)).status_code == 422
    assert (await service.http.post("/complaints", json=FORM)).json()["field"] == "form"  # no key
    assert (await service.http.post("/complaints", content=b"x" * 40_000, headers=headers)).status_code == 413
