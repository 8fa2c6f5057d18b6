"""Messages end to end on the real PostgreSQL: queued once, dispatched to an in-memory channel, statuses recorded."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from palapa.notify.channels.base import PermanentFailure, TemporaryFailure
from palapa.notify.messages import queue, store
from palapa.notify.messages.policy import ANY_KIND, Preference
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

PHONE = "+6281234567890"


@pytest.fixture
def start(messages_service):
    return messages_service



async def test_a_message_is_sent_once_with_its_id_as_the_providers_idempotency_key(notify):
    contact = await notify.contact()
    queued = await notify.ask(contact)
    row = await notify.status(queued.id, "sent")
    [sent] = notify.whatsapp.sent
    assert (sent.message_id, sent.to, sent.template, sent.params) == (
        queued.id, PHONE, "aduan_selesai", ("CURHAT-7", "https://p/n/CURHAT-7"))
    assert row.provider_id == f"whatsapp-{queued.id}"
    registry = notify.messaging.runtime.metrics.registry
    await eventually(lambda: registry.get_sample_value(
        "palapa_messages_total", {"service": "notify-svc", "channel": "whatsapp", "outcome": "sent"}) == 1,
        what="the send counted for the messages dashboard")


async def test_a_redelivered_cause_sends_nothing_twice(notify):
    contact = await notify.contact()
    first = await notify.ask(contact)
    await notify.status(first.id, "sent")
    again = await notify.ask(contact)
    assert (again.id, again.created) == (first.id, False)
    assert len(notify.whatsapp.sent) == 1


async def test_stop_is_honoured_and_the_message_is_failed_visibly(notify):
    contact = await notify.contact()
    async with notify.tx() as tx:
        await store.set_preferences(tx.session, contact, [Preference(ANY_KIND, "whatsapp", False)])
    queued = await notify.ask(contact)
    assert (queued.status, queued.error) == ("failed", "opted_out")
    critical = await notify.ask(contact, cause="otp-1", critical=True)
    await notify.status(critical.id, "sent")
    assert [m.message_id for m in notify.whatsapp.sent] == [critical.id]


async def test_a_message_in_quiet_hours_waits_and_a_critical_one_does_not(start):
    notify = await start(quiet_now=True)
    try:
        contact = await notify.contact()
        ordinary = await notify.ask(contact)
        critical = await notify.ask(contact, cause="evt-2", critical=True)
        await notify.status(critical.id, "sent")
        row = await notify.message(ordinary.id)
        assert row.status == "queued" and row.not_before > datetime.now(UTC) + timedelta(minutes=30)
        assert [m.message_id for m in notify.whatsapp.sent] == [critical.id]
    finally:
        await notify.close()


async def test_caps_refuse_identical_messages_over_the_limit(start):
    notify = await start(cap_identical=2, cap_total=3)
    try:
        contact = await notify.contact()
        answers = [await notify.ask(contact, cause=f"evt-{n}") for n in range(3)]
        assert [a.error for a in answers] == [None, None, "cap_identical"]
        other = await notify.ask(contact, cause="evt-9", personalisation={"ticket": "CURHAT-8", "link": "x"})
        late = await notify.ask(contact, cause="evt-10", personalisation={"ticket": "CURHAT-9", "link": "x"})
        assert (other.error, late.error) == (None, "cap_total")
    finally:
        await notify.close()


async def test_a_number_not_on_whatsapp_falls_back_to_sms(start):
    def not_on_whatsapp(message):
        raise PermanentFailure("not a WhatsApp user", not_on_channel=True)

    notify = await start(whatsapp=not_on_whatsapp)
    try:
        queued = await notify.ask(await notify.contact())
        await notify.status(queued.id, "failed")
        [sms] = await eventually(lambda: notify.sms.sent, what="the SMS fallback")
        assert (sms.to, sms.body, sms.template) == (PHONE, "Aduan CURHAT-7 selesai. Beri nilai: https://p/n/CURHAT-7",
                                                    None)
        assert (await notify.message(sms.message_id)).fallback_of == queued.id
    finally:
        await notify.close()


async def test_temporary_failures_are_retried_then_sent(start):
    answers = iter([TemporaryFailure("429", retry_after_s=0), TemporaryFailure("503")])

    def flaky(message):
        failure = next(answers, None)
        if failure is not None:
            raise failure
        from palapa.notify.channels.base import Accepted
        return Accepted("wa-1")

    notify = await start(whatsapp=flaky)
    try:
        queued = await notify.ask(await notify.contact())
        row = await notify.status(queued.id, "sent")
        assert row.attempts == 3 and {m.message_id for m in notify.whatsapp.sent} == {queued.id}
    finally:
        await notify.close()


async def test_a_sender_killed_mid_send_loses_nothing_and_the_resend_carries_the_same_id(start):
    notify = await start(dispatch_lease_seconds=0.5, quiet_now=True)  # quiet: the loop leaves ordinary ones be
    try:
        queued = await notify.ask(await notify.contact())
        later = datetime.now(UTC) + timedelta(days=1)  # as if the quiet hours were over
        async with notify.tx() as tx:  # a sender claims it, then dies before recording anything
            [claimed] = await queue.claim(tx.session, later, timedelta(seconds=0.5), 10)
        assert claimed.status == "sending"
        assert await notify.messaging.dispatcher.once(later + timedelta(seconds=1)) == 1
        [sent] = notify.whatsapp.sent
        assert sent.message_id == queued.id
        assert (await notify.message(queued.id)).attempts == 2
    finally:
        await notify.close()


async def test_statuses_never_move_backwards_and_a_stop_reply_opts_out(notify):
    contact = await notify.contact()
    queued = await notify.ask(contact)
    await notify.status(queued.id, "sent")
    callback = notify.whatsapp.verify_callback({"x-signature": "ok"}, json.dumps({"statuses": [
        [f"whatsapp-{queued.id}", "delivered", None], [f"whatsapp-{queued.id}", "sent", None],
        [f"whatsapp-{queued.id}", "failed", "expired"]], "inbound": [["0812-3456-7890", "STOP"]]}).encode())
    from palapa.notify.messages.callbacks import apply_callback
    async with notify.tx() as tx:
        counts = await apply_callback(tx.session, notify.messaging.sealer, "whatsapp", callback, notify.messaging.rules)
    assert (counts["applied"], counts["ignored"], counts["opt_outs"]) == (1, 2, 1)
    assert (await notify.message(queued.id)).status == "delivered"
    assert notify.sms.sent == []  # a failure after delivery is no reason to fall back
    assert (await notify.ask(contact, cause="evt-2")).error == "opted_out"


async def test_callbacks_applied_in_one_batch_end_as_one_at_a_time_would(notify):
    from palapa.notify.messages.callbacks import apply_callbacks

    contact = await notify.contact()
    first, second = await notify.ask(contact), await notify.ask(contact, cause="evt-2")
    await notify.status(first.id, "sent")
    await notify.status(second.id, "sent")

    def callback(*statuses):
        return notify.whatsapp.verify_callback({"x-signature": "ok"}, json.dumps({"statuses": [
            list(s) for s in statuses]}).encode())

    batch = [("whatsapp", callback((f"whatsapp-{first.id}", "delivered", None))),
             ("whatsapp", callback((f"whatsapp-{second.id}", "failed", "131026 not on WhatsApp"))),
             ("whatsapp", callback((f"whatsapp-{first.id}", "read", None), ("whatsapp-nobody", "read", None))),
             ("whatsapp", callback((f"whatsapp-{first.id}", "sent", None), (f"whatsapp-{first.id}", "failed", "x")))]
    async with notify.tx() as tx:
        counts = await apply_callbacks(tx.session, notify.messaging.sealer, batch, notify.messaging.rules)
    assert [(c["applied"], c["ignored"], c["unknown"]) for c in counts] == [(1, 0, 0), (1, 0, 0), (1, 0, 1),
                                                                            (0, 2, 0)]
    assert (await notify.message(first.id)).status == "read"
    assert (await notify.message(second.id)).status == "failed"
    async with notify.tx() as tx:
        history = [(h["status"], (h["detail"] or "")[:14]) for h in await queue.statuses(tx.session, first.id)]
    assert [s for s, _ in history][-3:] == ["delivered", "read", "failed"]  # the late failure kept, not applied
    assert history[-1][1] == "after delivery"
    await eventually(lambda: len(notify.sms.sent) == 1, what="the failed WhatsApp message falls back to SMS")
