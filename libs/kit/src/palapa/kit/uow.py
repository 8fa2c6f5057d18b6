"""The unit of work: a transaction whose events are staged in the outbox with it, and the relay woken after.

Following cosmicpython: code says what happened (`tx.publish(envelope)`, or a consumer's effect returns
`Done(publish=…)`); the kit writes the outbox rows in the same transaction and wakes the relay once the
transaction has committed. Nothing else writes to the outbox. A staff action goes on the audit log the same
way (`tx.audit(principal, action, (object_type, object_id), before, after, why)`): its row and its
AuditRecorded event commit with the change, or neither does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from palapa.contracts.envelope import Envelope

from .audit import Auditor
from .auth.principal import Principal
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
    auditor: Auditor | None = None
    audited: list[dict] = field(default_factory=list)

    def publish(self, *envelopes: Envelope, trace_context: dict[str, str] | None = None) -> None:
        """Publish these events if and when the transaction commits (under the current trace by default)."""
        carrier = current_traceparent() if trace_context is None else trace_context
        self.staged.extend(Outbox.row(e, carrier) for e in envelopes)

    def audit(
        self,
        principal: Principal | None,
        action: str,
        obj: tuple[str, str],
        before: Any = None,
        after: Any = None,
        why: str | None = None,
    ) -> None:
        """Put a staff action on the audit log with this transaction (identity in before/after is redacted)."""
        if self.auditor is None:
            raise RuntimeError("this unit of work has no audit log (UnitOfWork(..., auditor=...))")
        row, envelope = self.auditor.entry(principal, action, obj, before, after, why)
        self.audited.append(row)
        self.publish(envelope)


class UnitOfWork:
    """`async with uow() as tx:` — commit the work and its events together, then wake the relay."""

    def __init__(self, sessions: async_sessionmaker, outbox: Outbox, auditor: Auditor | None = None) -> None:
        self.sessions = sessions
        self.outbox = outbox
        self.auditor = auditor

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Transaction]:
        async with self.sessions() as session:
            async with session.begin():
                tx = Transaction(session, auditor=self.auditor)
                yield tx
                if tx.audited:
                    await session.execute(self.auditor.table.insert(), tx.audited)
                await self.outbox.stage(session, tx.staged)
        if tx.staged:
            self.outbox.wake()
