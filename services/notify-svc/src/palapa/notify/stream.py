"""One client's event stream: stored history it lacks, then live updates, each revision exactly once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing

from opentelemetry import trace

from palapa.kit.telemetry import context_from

from .domain import SentRevisions, Update, format_event, is_feed_key, missed
from .hub import Hub

#: history(ticket, after, before) -> stored updates with after < revision (< before), in order.
History = Callable[[str, int, int | None], Awaitable[list[Update]]]


async def updates_for(ticket: str, after: int, hub: Hub, history: History) -> AsyncIterator[Update]:
    """Yield what a client resuming after revision `after` must get, in order, without gap or duplicate."""
    # Subscribe first, then read the store: an update committed meanwhile is in the store, in the
    # queue, or both; SentRevisions lets each revision through once.
    sub = hub.subscribe(ticket)
    sent = SentRevisions(after)
    try:
        for update in missed(await history(ticket, sent.last, None), sent.last):
            if sent.admit(update):
                yield update
        while (live := await sub.next()) is not None:
            if sent.gap_before(live):
                # Revisions between the last sent and this one came in before we subscribed to the
                # hub but after the replay read, or out of order: the store has them.
                for update in missed(await history(ticket, sent.last, live.revision), sent.last):
                    if sent.admit(update):
                        yield update
            if sent.admit(live):
                yield live
    finally:
        hub.unsubscribe(sub)


async def sse_frames(updates: AsyncIterator[Update], tracer: trace.Tracer) -> AsyncIterator[bytes]:
    """Encode updates as SSE frames; each send runs in an `sse push` span under the update's own trace."""
    async with aclosing(updates) as items:  # closing this stream unsubscribes at once, not at GC
        async for update in items:
            span = tracer.start_span(
                "sse push",
                context=context_from(update.carrier),
                kind=trace.SpanKind.PRODUCER,
                # a citizen's feed names the case, never the account
                attributes={"palapa.ticket": update.data.get("ticket", "") if is_feed_key(update.ticket)
                            else update.ticket, "palapa.revision": update.revision},
            )
            try:
                # The response sends a frame before it asks for the next, so the span covers the send.
                yield format_event(update).encode()
            finally:
                span.end()
