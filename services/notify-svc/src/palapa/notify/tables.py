"""notify-svc's table (schema `notify`): every ComplaintUpdated and TicketUpdated received, one row per
(ticket, revision)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import JSON, BigInteger, Column, DateTime, Identity, Integer, MetaData, String, Table, UniqueConstraint

from .domain import EVENT_NAME

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="notify", info={"migrations": Path(__file__).with_name("migrations")})

ticket_updates = Table(
    "ticket_updates",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("ticket", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("traceparent", JSON, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # the SSE event name, i.e. which view the payload is (rows from before tickets were tracked are complaints)
    Column("event", String(40), nullable=False, server_default=EVENT_NAME),
    # Also the index that serves "revisions of a ticket after N, in order".
    UniqueConstraint("ticket", "revision", name="uq_ticket_updates_ticket_revision"),
)

# A complaint's capability digest (ComplaintUpdated.access_hash, on its first update): who may follow it. Never the
# capability itself; tickets without a row (legacy apps' cases, letters, incidents) are followed by staff only.
ticket_access = Table(
    "ticket_access",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("capability_hash", String(64), nullable=False),
)
