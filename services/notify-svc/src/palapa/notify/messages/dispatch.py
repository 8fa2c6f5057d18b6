"""The dispatcher: claims due messages from the table, hands each to its channel, records the outcome.

Replicas share the work (claims use FOR UPDATE SKIP LOCKED). A sender killed mid-send leaves its messages
`sending` under a lease; when the lease ends another claims them and sends them again with the same message id,
which is the provider's idempotency key: nothing is lost and the provider delivers nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidTag
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import async_sessionmaker

from palapa.kit.loops import Backoff, Outage, pause

from ..channels.base import Accepted, Channel, Outgoing, PermanentFailure, TemporaryFailure
from . import queue, store
from .delivery import Retry, Status
from .outbound import Rules, fail, open_text
from .sealing import Sealer

log = logging.getLogger(__name__)
#: channels whose provider callbacks echo our message id: a send a kill left unrecorded is found by its callback
ECHOED = ("whatsapp", "sms")


@dataclass
class Channels:
    """The channels messages go out on, by name; `test` ones (the simulators) for messages of test API keys."""

    live: Mapping[str, Channel] = field(default_factory=dict)
    test: Mapping[str, Channel] = field(default_factory=dict)

    def for_message(self, channel: str, test: bool) -> Channel | None:
        return (self.test if test else self.live).get(channel)


@dataclass(frozen=True)
class DispatchConfig:
    batch: int = 50
    idle_s: float = 0.5
    lease: timedelta = timedelta(seconds=60)
    send_timeout_s: float = 30.0
    retry: Retry = field(default_factory=Retry)
    rules: Rules = field(default_factory=Rules)


class Dispatcher:
    """One replica's sender; `run(stop)` is its loop, `once()` one round (tests call it directly)."""

    def __init__(self, sessions: async_sessionmaker, sealer: Sealer, channels: Channels,
                 config: DispatchConfig | None = None, counted=None) -> None:
        self.sessions, self.sealer, self.channels = sessions, sealer, channels
        self.config = config or DispatchConfig()
        self.counted = counted  # the kit's palapa_messages_total (channel, outcome), counted once recorded

    async def run(self, stop: asyncio.Event) -> None:
        outage, backoff = Outage("notify-svc message dispatcher", log), Backoff(first=0.5, cap=10)
        while not stop.is_set():
            try:
                sent = await self.once()
                outage.recovered()
                backoff.reset()
                wait = 0 if sent else self.config.idle_s
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database away: every claimed message stays under its lease
                outage.failed(exc)
                wait = backoff.next()
            if await pause(stop, wait):
                return

    async def once(self, now: datetime | None = None) -> int:
        """Claim and send one batch of due messages; the number handled."""
        now = now or datetime.now(UTC)
        async with self.sessions() as session, session.begin():
            claimed = await queue.claim(session, now, self.config.lease, self.config.batch)
            sealed = await store.addresses_of(session, [row.contact_id for row in claimed])
            outgoing = [self._outgoing(row, sealed.get(row.contact_id)) for row in claimed]
        outcomes = await asyncio.gather(*(self._deliver(row, out) for row, out in zip(claimed, outgoing, strict=True)))
        batch = [(row, outcome) for row, outcome in zip(claimed, outcomes, strict=True) if outcome is not None]
        if batch:
            await self._record(*map(list, zip(*batch, strict=True)))
        return len(claimed)

    async def _deliver(self, row: Row, out: Outgoing | PermanentFailure) -> Accepted | Exception | None:
        """Send one message; its outcome for the batch's record, or None when it was recorded at once: a channel
        whose callbacks do not echo our id (e-mail) must not wait for the batch, or a kill meanwhile sends it twice."""
        outcome = await self._send(row, out) if isinstance(out, Outgoing) else out
        if row.channel in ECHOED:
            return outcome
        await self._record([row], [outcome])
        return None

    def _outgoing(self, row: Row, sealed: tuple[str, bytes] | None) -> Outgoing | PermanentFailure:
        if sealed is None:
            return PermanentFailure("the recipient's contact is gone")
        try:
            address = self.sealer.open(*sealed)
        except (InvalidTag, UnicodeDecodeError):  # sealed under another key: this message cannot go, visibly
            return PermanentFailure("the recipient's address cannot be opened with the current key")
        body, subject, params = row.body, row.subject, tuple(row.params or ())
        if row.sealed is not None:  # a text with a secret value (a private link): opened only to send it
            try:
                body, subject, params = open_text(self.sealer, row.sealed)
            except (InvalidTag, UnicodeDecodeError, ValueError, KeyError):
                return PermanentFailure("the message text cannot be opened with the current key")
        return Outgoing(message_id=row.id, channel=row.channel, to=address, body=body, subject=subject,
                        template=row.whatsapp_name if row.channel == "whatsapp" else None, language=row.language,
                        params=params, critical=row.critical)

    async def _send(self, row: Row, out: Outgoing) -> Accepted | Exception:
        """The channel's answer: Accepted, or the failure to record."""
        channel = self.channels.for_message(row.channel, row.test)
        try:
            if channel is None:
                raise PermanentFailure(f"no {'test ' if row.test else ''}channel {row.channel} configured")
            return await asyncio.wait_for(channel.send(out), self.config.send_timeout_s)
        except (TemporaryFailure, PermanentFailure) as exc:
            return exc
        except Exception as exc:  # an adapter's surprise (timeout, network): try again later, say what it was
            return TemporaryFailure(f"{type(exc).__name__}: {str(exc)[:200]}")

    async def _record(self, rows: list[Row], outcomes: list[Accepted | Exception]) -> None:
        """Record a batch's outcomes in one transaction (one per message cost a round trip each and held the next
        batch back), the sends in one statement, then count them."""
        now, accepted = datetime.now(UTC), {}
        async with self.sessions() as session, session.begin():
            current = await queue.locked(session, [row.id for row in rows])  # one query for the batch, not one each
            recorded = [await self._recorded(session, row, current.get(row.id), outcome, now, accepted)
                        for row, outcome in zip(rows, outcomes, strict=True)]
            await queue.mark_sent(session, accepted, now)
        for row, what in zip(rows, recorded, strict=True):
            if what is not None and self.counted is not None:
                self.counted.labels(channel=row.channel, outcome=what).inc()

    async def _recorded(self, session, row: Row, current: Row | None, outcome: Accepted | Exception,
                        now: datetime, accepted: dict[str, str]) -> str | None:
        """Record one outcome (`current`: the row as locked now; a send goes into `accepted`, written with the
        batch's); what was recorded (sent, retried, failed), None when another claim owns the row."""
        if current is None or current.attempts != row.attempts:
            return None  # another claim owns it now (our lease ran out): its outcome is the one recorded
        if current.status != Status.SENDING:
            # the provider's callback came first (it echoes our id: callbacks.py) and recorded the send
            return "sent" if isinstance(outcome, Accepted) else None
        if isinstance(outcome, Accepted):
            accepted[row.id] = outcome.provider_id[:200]
            return "sent"
        if isinstance(outcome, TemporaryFailure):
            again = self.config.retry.next_at(row.attempts, now, outcome.retry_after_s)
            if again is not None:
                await queue.change(session, row.id, now, outcome.reason, status=Status.QUEUED, not_before=again,
                                   lease_until=None, error=outcome.reason[:300])
                return "retried"
        await fail(session, current, getattr(outcome, "reason", str(outcome)), now, self.config.rules,
                   not_on_channel=getattr(outcome, "not_on_channel", False))
        return "failed"
