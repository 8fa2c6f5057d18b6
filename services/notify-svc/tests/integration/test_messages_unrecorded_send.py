"""A sender killed after the provider took a message, before it recorded that: the provider's callback, which echoes
our message id, finds the message, and it is not sent again when its lease ends (kill -9 mid-send doubles nothing)."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.notify.channels.base import Callback, StatusReport
from palapa.notify.messages import queue
from palapa.notify.messages.callbacks import apply_callback

pytestmark = pytest.mark.integration


async def _claimed_then_killed(notify):
    queued = await notify.ask(await notify.contact())
    later = datetime.now(UTC) + timedelta(days=1)  # as if the quiet hours were over
    async with notify.tx() as tx:  # a sender claims it, hands it to the provider, and dies before recording
        [claimed] = await queue.claim(tx.session, later, timedelta(seconds=0.5), 10)
    return queued, later


async def _report(notify, channel, report):
    async with notify.tx() as tx:
        return await apply_callback(tx.session, notify.messaging.sealer, channel, Callback((report,)),
                                    notify.messaging.rules)


async def test_a_callback_for_a_message_whose_sender_died_records_it_and_it_is_not_sent_again(messages_service):
    notify = await messages_service(dispatch_lease_seconds=0.5, quiet_now=True)
    try:
        queued, later = await _claimed_then_killed(notify)
        counts = await _report(notify, "whatsapp", StatusReport("wamid.TAKEN", "sent", datetime.now(UTC),
                                                                reference=queued.id))
        assert counts["applied"] == 1
        row = await notify.message(queued.id)
        assert (row.status, row.provider_id) == ("sent", "wamid.TAKEN")
        assert await notify.messaging.dispatcher.once(later + timedelta(seconds=1)) == 0
        assert notify.whatsapp.sent == []
    finally:
        await notify.close()


async def test_a_reference_on_another_channel_or_to_a_recorded_message_changes_nothing(messages_service):
    notify = await messages_service(dispatch_lease_seconds=0.5, quiet_now=True)
    try:
        queued, later = await _claimed_then_killed(notify)
        wrong_channel = StatusReport("SMS1", "delivered", datetime.now(UTC), reference=queued.id)
        odd = StatusReport("wamid.X", "sent", datetime.now(UTC), reference="'; DROP TABLE notify.messages; --")
        assert (await _report(notify, "sms", wrong_channel))["unknown"] == 1
        assert (await _report(notify, "whatsapp", odd))["unknown"] == 1
        assert (await notify.message(queued.id)).status == "sending"
        assert await notify.messaging.dispatcher.once(later + timedelta(seconds=1)) == 1  # nobody took it: resent
        [sent] = notify.whatsapp.sent
        assert sent.message_id == queued.id
    finally:
        await notify.close()
