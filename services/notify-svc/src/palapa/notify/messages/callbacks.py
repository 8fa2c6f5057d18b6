"""What a verified provider callback changes: message statuses (never backwards) and citizens' STOP replies."""

from __future__ import annotations

from datetime import UTC, datetime

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
    counts = {"applied": 0, "ignored": 0, "unknown": 0, "opt_outs": 0, "opt_ins": 0}
    for report in callback.statuses:
        counts[await _status(session, channel, report, rules)] += 1
    for text in callback.inbound:
        outcome = await _inbound(session, sealer, text)
        if outcome is not None:
            counts[outcome] += 1
    return counts


async def _status(session: AsyncSession, channel: str, report: StatusReport, rules: Rules) -> str:
    row = await queue.by_provider_id(session, channel, report.provider_id)
    now = datetime.now(UTC)
    if row is None and report.reference is not None:
        # the provider took a message whose sender died before recording it (kill -9 mid-send): the report says
        # so, and the message is not sent again when its lease ends
        row = await queue.unrecorded(session, channel, report.reference)
        if row is not None:
            await queue.change(session, row.id, now, provider_id=report.provider_id[:200])
    if row is None:
        return "unknown"
    new = advance(row.status, report.status)
    if new is None:
        if report.status == Status.FAILED and row.status in DELIVERED:
            # WhatsApp may report a failure after a delivery: the delivery stands, the report is kept
            await queue.history(session, row.id, Status.FAILED, report.at, f"after delivery, ignored: {report.error}")
        return "ignored"
    if new is Status.FAILED:
        await fail(session, row, report.error or "provider reported failure", now, rules)
    else:
        await queue.change(session, row.id, now, f"reported at {report.at.isoformat()}", status=new,
                           lease_until=None)
    return "applied"


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
