"""What verified provider callbacks change: message statuses (never backwards) and citizens' STOP replies.

Callbacks are applied in batches (callback_batches.py): a batch's messages are locked in one query and their new
statuses written in one statement, in the order the reports arrived, as one callback at a time would have."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from ..channels.base import Callback, InboundText, StatusReport
from . import queue, store
from .addresses import AddressError, normalise
from .delivery import DELIVERED, Status, advance
from .outbound import Rules, fail
from .policy import ANY_KIND, Preference, reply_intent
from .sealing import Sealer


async def apply_callback(session: AsyncSession, sealer: Sealer, channel: str, callback: Callback,
                         rules: Rules) -> dict[str, int]:
    """Apply one callback in the caller's transaction; counts of what it did (for the provider's answer)."""
    return (await apply_callbacks(session, sealer, [(channel, callback)], rules))[0]


async def apply_callbacks(session: AsyncSession, sealer: Sealer, callbacks: Sequence[tuple[str, Callback]],
                          rules: Rules) -> list[dict[str, int]]:
    """Apply (channel, callback)s in order in the caller's transaction; each one's counts."""
    pairs = {(channel, r.provider_id) for channel, callback in callbacks for r in callback.statuses}
    references = {(channel, r.reference[:36]) for channel, callback in callbacks for r in callback.statuses
                  if r.reference is not None}
    batch = _Batch(session, *await queue.for_reports(session, pairs, references), datetime.now(UTC))
    answers = []
    for channel, callback in callbacks:
        counts = {"applied": 0, "ignored": 0, "unknown": 0, "opt_outs": 0, "opt_ins": 0}
        for report in callback.statuses:
            counts[await batch.status(channel, report, rules)] += 1
        for text in callback.inbound:
            outcome = await _inbound(session, sealer, text)
            if outcome is not None:
                counts[outcome] += 1
        answers.append(counts)
    await batch.flush()
    return answers


@dataclass
class _Batch:
    """The batch's messages (by channel and provider id) as they stand after the reports applied so far, and the
    status writes not yet made (flushed before anything else writes a message, so order is kept)."""

    session: AsyncSession
    rows: dict[tuple[str, str], Row]  # by (channel, provider id)
    unrecorded: dict[tuple[str, str], Row]  # by (channel, our id): sends whose provider id was never recorded
    now: datetime
    current: dict[str, str] = field(default_factory=dict)  # message id → its status within the batch
    moves: dict[str, str] = field(default_factory=dict)
    history: list[dict] = field(default_factory=list)
    provider_ids: dict[str, str] = field(default_factory=dict)  # learnt from the reports

    async def flush(self) -> None:
        await queue.move_all(self.session, self.moves, self.history, self.now, self.provider_ids)
        self.moves, self.history, self.provider_ids = {}, [], {}

    async def status(self, channel: str, report: StatusReport, rules: Rules) -> str:
        row = self.rows.get((channel, report.provider_id))
        if row is None and report.reference is not None:
            # the provider took a message whose sender has not recorded it (yet: the report came first; or ever:
            # kill -9 mid-send): the report says so, and the message is not sent again when its lease ends
            row = self.unrecorded.pop((channel, report.reference[:36]), None)
            if row is not None:
                self.provider_ids[row.id] = report.provider_id[:200]
                self.rows[(channel, report.provider_id)] = row
        if row is None:
            return "unknown"
        current = self.current.get(row.id, row.status)
        new = advance(current, report.status)
        if new is None:
            if report.status == Status.FAILED and current in DELIVERED:
                # WhatsApp may report a failure after a delivery: the delivery stands, the report is kept
                self.history.append(self._history(row.id, Status.FAILED, report.at,
                                                  f"after delivery, ignored: {report.error}"))
            return "ignored"
        if new is Status.FAILED:
            await self.flush()
            await fail(self.session, row, report.error or "provider reported failure", self.now, rules)
        else:
            self.moves[row.id] = new
            self.history.append(self._history(row.id, new, self.now, f"reported at {report.at.isoformat()}"))
        self.current[row.id] = new
        return "applied"

    @staticmethod
    def _history(message_id: str, status: str, at: datetime, detail: str) -> dict:
        return {"message_id": message_id, "status": str(status), "at": at, "detail": detail[:300]}


async def _inbound(session: AsyncSession, sealer: Sealer, text: InboundText) -> str | None:
    """A STOP (or START) reply sets the sender's choice for the whole channel; anything else is not ours."""
    intent = reply_intent(text.text)
    if intent is None:
        return None
    try:
        kind, address = normalise(text.channel, text.sender)
    except AddressError:
        return None
    contact = await store.find_contact(session, sealer, kind, address)
    if contact is None:  # never messaged: remember the choice anyway, so a first message honours it
        contact = await store.contact_id(session, sealer, kind, address)
    await store.set_preferences(session, contact, [Preference(ANY_KIND, text.channel, intent)])
    return "opt_ins" if intent else "opt_outs"
