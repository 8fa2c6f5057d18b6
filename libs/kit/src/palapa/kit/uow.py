"""The unit of work: a transaction whose events are staged in the outbox with it, and the relay woken after.

Following cosmicpython: code says what happened (`tx.publish(envelope)`, or a consumer's effect returns
`Done(publish=…)`); the kit writes the outbox rows in the same transaction and wakes the relay once the
transaction has committed. Nothing else writes to the outbox.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from palapa.contracts.envelope import Envelope

from .outbox import Outbox
from .telemetry import current_traceparent


@dataclass(frozen=True)
class Done:
    """What an effect did with one event: the events to publish, and a result for the after-commit hook."""

    publish: Sequence[Envelope] = ()
    result: Any = None


@dataclass(frozen=True)
class Refused:
    """The effect refuses the event for good (retrying cannot help): it is dead-lettered with the reason."""

    reason: str


@dataclass
class Transaction:
    """One open transaction: its session, and the events it will publish."""

    session: AsyncSession
    staged: list[dict] = field(default_factory=list)

    def publish(self, *envelopes: Envelope, trace_context: dict[str, str] | None = None) -> None:
        """Publish these events if and when the transaction commits (under the current trace by default)."""
        carrier = current_traceparent() if trace_context is None else trace_context
        self.staged.extend(Outbox.row(e, carrier) for e in envelopes)


class UnitOfWork:
    """`async with uow() as tx:` — commit the work and its events together, then wake the relay."""

    def __init__(self, sessions: async_sessionmaker, outbox: Outbox) -> None:
        self.sessions = sessions
        self.outbox = outbox

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Transaction]:
        async with self.sessions() as session:
            async with session.begin():
                tx = Transaction(session)
                yield tx
                await self.outbox.stage(session, tx.staged)
        if tx.staged:
            self.outbox.wake()
