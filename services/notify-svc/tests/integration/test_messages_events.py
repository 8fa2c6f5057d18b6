"""The platform's events message citizens and staff: through the real broker, once each."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import (
    CASE_STATUS_KIND,
    CASE_STATUS_LABELS,
    CaseStatus,
    ComplaintSubmitted,
    ComplaintSubmittedV2,
    ComplaintUpdatedV2,
    SlaBreached,
    SlaStage,
    TaxBillReminderDue,
    TimelineEntryV2,
)
from palapa.contracts.identity import Identity
from palapa.contracts.phone import account_of
from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.kit.sealed import Sealer, seal_identity
from palapa.notify.messages import staff, store
from palapa.notify.settings import NotifySettings
from palapa.notify.tables import messages
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 1, 2, tzinfo=UTC)


def submitted(ticket="LAPOR-77", **values) -> Envelope:
    event = ComplaintSubmitted(ticket=ticket, source_app="portal", source_ref=ticket, description="Lampu jalan mati",
                               submitted_at=T0, **values)
    return Envelope(event, source="/services/complaint-svc", subject=ticket)


def updated(ticket, *statuses) -> Envelope:
    timeline = tuple(TimelineEntryV2(status=s, label=CASE_STATUS_LABELS[s], at=T0 + timedelta(hours=i))
                     for i, s in enumerate(statuses))
    last = statuses[-1]
    event = ComplaintUpdatedV2(ticket=ticket, revision=len(statuses), status=last, status_kind=CASE_STATUS_KIND[last],
                               status_label=CASE_STATUS_LABELS[last], opd="DISHUB", source_app="portal",
                               submitted_at=T0, updated_at=timeline[-1].at, timeline=timeline)
    return Envelope(event, source="/services/complaint-svc", subject=ticket)


async def test_a_reporter_hears_of_each_step_by_whatsapp_and_email_once_each(notify, producer):
    await producer.send(submitted(reporter_phone="0812-1111-2222", reporter_email="warga@contoh.id"))
    [received] = await eventually(lambda: notify.whatsapp.sent, what="the received message")
    assert received.to == "+6281211112222" and "LAPOR-77" in received.body and "?tiket=LAPOR-77" in received.body
    [mail] = await eventually(lambda: notify.email.sent, what="the e-mail")
    assert (mail.to, mail.subject) == ("warga@contoh.id", "Aduan LAPOR-77 diterima")
    r, d = CaseStatus.RECEIVED, CaseStatus.DISPOSITIONED
    await producer.send(updated("LAPOR-77", r))
    await producer.send(updated("LAPOR-77", r, d))
    await producer.send(updated("LAPOR-77", r, d))  # the same view again, under a new event id
    await eventually(lambda: len(notify.whatsapp.sent) == 2, what="the forwarded message")
    assert "DISHUB" in notify.whatsapp.sent[1].body
    await producer.send(submitted(reporter_phone="0812-1111-2222"))  # a redelivered submission
    await producer.send(updated("LAPOR-77", r, d, CaseStatus.IN_PROGRESS))
    await eventually(lambda: len(notify.whatsapp.sent) == 3, what="the in-progress message")
    assert [m.message_id for m in notify.whatsapp.sent] == list(dict.fromkeys(m.message_id for m in
                                                                             notify.whatsapp.sent))
    assert len(notify.email.sent) == 3


def sealed(ticket, sealer=None, **who) -> Envelope:
    """ComplaintSubmitted v2 as complaint-svc sends it: the reporter sealed for notify-svc (the settings' key)."""
    sealer = sealer or Sealer(NotifySettings.model_fields["reporter_key"].default.get_secret_value(),
                              ComplaintSubmittedV2.SEAL_PURPOSE)
    event = ComplaintSubmittedV2(ticket=ticket, source_app="palapa-portal", source_ref=ticket,
                                 description="Lampu jalan mati", submitted_at=T0,
                                 reporter_sealed=seal_identity(sealer, ticket, Identity(**who)))
    return Envelope(event, source="/services/complaint-svc", subject=ticket)


async def test_the_sealed_reporter_gets_the_private_link_which_rests_nowhere_in_clear(notify, producer, topic_reader):
    link = "http://127.0.0.1:8103/#tiket=LAPOR-PRIV&kunci=" + "Kx9" * 14
    await producer.send(sealed("LAPOR-PRIV", phone="0812-7777-8888", email="warga@contoh.id", link=link))
    [received] = await eventually(lambda: notify.whatsapp.sent, what="the received message")
    assert received.to == "+6281277778888" and link in received.body and link in received.params
    [mail] = await eventually(lambda: notify.email.sent, what="the e-mail")
    assert link in mail.body
    [record] = [r for r in topic_reader.of(COMPLAINT_INTAKE) if r.key == "LAPOR-PRIV"]
    assert not any(v in record.value for v in (b"0812", b"7777", b"warga@", b"Kx9Kx9"))  # the bytes on the topic
    async with notify.tx() as tx:  # what the API and the case's timeline show is the row's body
        rows = (await tx.session.execute(select(messages))).all()
    assert rows and not any("Kx9Kx9" in repr(tuple(r)) for r in rows)
    assert all("[tautan pribadi]" in r.body and r.sealed for r in rows)


async def test_a_reporter_sealed_under_another_key_is_dead_lettered_and_sends_nothing(notify, producer):
    await producer.send(sealed("LAPOR-BADKEY", Sealer("another-key-entirely", "complaint.reporter"), phone="0812"))
    await producer.send(sealed("LAPOR-GOODKEY", phone="081299990000"))
    await eventually(lambda: notify.whatsapp.sent, what="the good reporter's message")
    assert [m.to for m in notify.whatsapp.sent] == ["+6281299990000"]
    async with notify.tx() as tx:
        letters = notify.messaging.runtime.dead_letters
        reasons = (await tx.session.execute(select(letters.c.reason))).scalars().all()
    assert [r.split(":")[0] for r in reasons] == ["LAPOR-BADKEY"] and "does not open" in reasons[0]


async def test_an_anonymous_report_keeps_no_contact_and_sends_nothing(notify, producer):
    await producer.send(submitted("LAPOR-78", reporter_phone="081233334444", confidentiality="anonymous"))
    await producer.send(submitted("LAPOR-79", reporter_phone="081255556666"))
    await eventually(lambda: len(notify.whatsapp.sent) == 1, what="the named reporter's message")
    assert notify.whatsapp.sent[0].to == "+6281255556666"
    async with notify.tx() as tx:
        assert await store.contacts_of_ticket(tx.session, "LAPOR-78") == []


async def test_an_sla_breach_reaches_the_opd_then_the_sekda_then_the_wali_kota(notify, producer):
    people = {"opd": "+6281300000001", "sekda": "+6281300000002", "wali-kota": "+6281300000003"}
    async with notify.tx() as tx:
        for level, phone in people.items():
            contact = await store.contact_id(tx.session, notify.messaging.sealer, "phone", phone)
            await staff.add(tx.session, level, "dishub" if level == "opd" else "", level, "sms", contact)
    for level in (1, 2, 3):
        event = SlaBreached(ticket="LAPOR-80", opd="DISHUB", stage=SlaStage.FOLLOW_UP, due_at=T0, level=level,
                            escalated_to="x", at=T0 + timedelta(days=level))
        await producer.send(Envelope(event, source="/services/complaint-svc", subject="LAPOR-80"))
    await eventually(lambda: len(notify.sms.sent) == 3, what="three escalation messages")
    assert sorted(m.to for m in notify.sms.sent) == sorted(people.values())
    assert {m.body.split(":")[0] for m in notify.sms.sent} == {"Eskalasi 1", "Eskalasi 2", "Eskalasi 3"}


async def test_a_tax_bill_reminder_reaches_the_phone_the_followers_account_was_made_from_once(
        messages_service, producer):
    secret = b"a-gate-account-secret-for-tests"
    notify = await messages_service(account_secret=secret.decode())
    try:
        phone = "+6281244445555"
        async with notify.tx() as tx:  # the gate's sign-in code went to this phone: notify-svc knows it
            await store.contact_id(tx.session, notify.messaging.sealer, "phone", phone)
        due = date(2026, 12, 14)
        for account in (account_of(phone, secret), account_of("+6281200000000", secret)):  # known, unknown phone
            for _ in range(2):  # a redelivered reminder sends nothing twice
                event = TaxBillReminderDue(nop="357601000100201230", year=2026, amount_due=245_000, due_date=due,
                                           account=account, decided_at=T0)
                await producer.send(Envelope(event, source="/services/taxbill-svc", subject=event.nop))
        [sent] = await eventually(lambda: notify.whatsapp.sent, what="the reminder")
        assert sent.to == phone and "35.76.010.001.002-0123.0" in sent.body and "14-12-2026" in sent.body
        assert sent.template == "tagihan_pbb_jatuh_tempo" and sent.params == ("35.76.010.001.002-0123.0", "14-12-2026")
        async with notify.tx() as tx:
            kinds = (await tx.session.execute(select(messages.c.kind))).scalars().all()
        assert kinds == ["tax_due"]
    finally:
        await notify.close()
