"""An e-mail's send cut short by a timeout above it (the dispatcher's) answers what the relay did: the worker thread
cannot be stopped, and a mail it delivers must not be retried as if it had failed (it would arrive twice)."""

import asyncio
import threading
import time

import pytest

from palapa.notify.channels.base import Accepted, Outgoing, TemporaryFailure
from palapa.notify.channels.email import EmailChannel

MAIL = Outgoing(message_id="m-1", channel="email", to="warga@contoh.id", body="Halo", subject="Uji")


class SlowRelay(EmailChannel):
    def __init__(self, fails: bool = False) -> None:
        super().__init__(host="127.0.0.1", port=1, sender="Kota <noreply@palapa.go.id>")
        self.delivered, self.fails, self.release = 0, fails, threading.Event()

    def _deliver(self, mail) -> None:
        self.release.wait(5)
        time.sleep(0.05)
        if self.fails:
            raise TemporaryFailure("email: SMTPServerDisconnected")
        self.delivered += 1


async def test_a_send_timed_out_above_the_channel_answers_the_relays_delivery():
    relay = SlowRelay()
    pending = asyncio.create_task(asyncio.wait_for(relay.send(MAIL), 0.05))
    await asyncio.sleep(0.2)  # the timeout fired while the thread was still talking to the relay
    relay.release.set()
    answer = await pending
    assert isinstance(answer, Accepted) and answer.provider_id == "<m-1@palapa.go.id>"
    assert relay.delivered == 1


async def test_a_send_timed_out_above_the_channel_answers_the_relays_failure():
    relay = SlowRelay(fails=True)
    pending = asyncio.create_task(asyncio.wait_for(relay.send(MAIL), 0.05))
    await asyncio.sleep(0.2)
    relay.release.set()
    with pytest.raises(TemporaryFailure):
        await pending
