"""notify-svc's tables (schema `notify`): every ComplaintUpdated and TicketUpdated received, one row per
(ticket, revision); and messages (issue 19): templates, contacts (sealed), preferences, staff recipients,
messages and their status history, API keys (hashed), Idempotency-Key records."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

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

# --- messages ------------------------------------------------------------------------------------------------

message_templates = Table(
    "message_templates",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("critical", Boolean, nullable=False, server_default="false"),
    Column("whatsapp_name", String(100)),  # the provider-approved template it goes out as on WhatsApp
    Column("version", Integer, nullable=False),  # the current version
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

template_versions = Table(
    "template_versions",
    metadata,
    Column("template_id", String(64), ForeignKey("message_templates.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("fields", JSON, nullable=False),  # the declared personalisation fields, in order
    Column("texts", JSON, nullable=False),  # {"id": {"body": …, "subject": …}, "en": {…}}
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
)

# Phone numbers and e-mail addresses: only here, only sealed (messages/sealing.py), found by a keyed hash.
contacts = Table(
    "contacts",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("kind", String(10), nullable=False),  # phone | email
    Column("lookup", String(64), nullable=False, unique=True),
    Column("sealed", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # a phone's gate account hash (palapa.contracts.phone.phone_hash under the gate's account secret): what a
    # tax-bill reminder for a follower's account finds the phone by; a keyed hash, never the number
    Column("account_hash", String(32), nullable=True),
    Index("ix_contacts_account_hash", "account_hash"),
)

# Whom a ticket's updates go to (ComplaintSubmitted's reporter; anonymous reports have none).
ticket_contacts = Table(
    "ticket_contacts",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("contact_id", BigInteger, ForeignKey("contacts.id"), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

preferences = Table(
    "preferences",
    metadata,
    Column("contact_id", BigInteger, ForeignKey("contacts.id"), primary_key=True),
    Column("kind", String(40), primary_key=True),  # a message kind, or "*" for the whole channel (STOP)
    Column("channel", String(10), primary_key=True),
    Column("allowed", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Staff who receive SLA warnings and escalations: data the city edits through an audited API.
staff_recipients = Table(
    "staff_recipients",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("level", String(20), nullable=False),  # opd | sekda | wali-kota
    Column("opd", String(100), nullable=False, server_default=""),  # the OPD for level opd, else ""
    Column("name", String(200), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("contact_id", BigInteger, ForeignKey("contacts.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("level", "opd", "channel", "contact_id", name="uq_staff_recipients_who"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", String(36), primary_key=True),  # also the provider's idempotency key
    Column("key", String(64), nullable=False, unique=True),  # cause + kind + recipient: never sent twice
    Column("kind", String(40), nullable=False),
    Column("template_id", String(64), nullable=False),
    Column("template_version", Integer, nullable=False),
    Column("language", String(5), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("contact_id", BigInteger, ForeignKey("contacts.id"), nullable=False),
    Column("ticket", String(64)),
    Column("reference", String(200)),
    Column("client", String(200), nullable=False),  # who asked: a rule of this service, or an API client
    Column("test", Boolean, nullable=False, server_default="false"),  # a test key's: simulators only
    Column("critical", Boolean, nullable=False, server_default="false"),
    Column("subject", String(200)),
    Column("body", Text, nullable=False),  # a secret value (a private link) shown masked: the text sent is `sealed`
    Column("params", JSON, nullable=False),
    # the text as sent when it holds a secret value: {"body", "subject", "params"} sealed under the messages key
    Column("sealed", LargeBinary),
    Column("whatsapp_name", String(100)),
    Column("fingerprint", String(32), nullable=False),
    Column("status", String(12), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("not_before", DateTime(timezone=True), nullable=False),
    Column("lease_until", DateTime(timezone=True)),
    Column("provider_id", String(200)),
    Column("error", String(300)),
    Column("fallback_of", String(36)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_messages_due", "status", "not_before"),
    Index("ix_messages_contact_created", "contact_id", "created_at"),
    Index("ix_messages_ticket", "ticket"),
    Index("ix_messages_provider_id", "channel", "provider_id"),
)

message_statuses = Table(
    "message_statuses",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("message_id", String(36), ForeignKey("messages.id"), nullable=False, index=True),
    Column("status", String(12), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("detail", String(300)),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("opd", String(100), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),  # sha256 of the secret; the secret is shown once
    Column("test", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("client", String(200), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("digest", String(64), nullable=False),  # of the request body: another body under this key is refused
    Column("message_id", String(36), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)


# A complaint's capability digest (ComplaintUpdated.access_hash, on its first update): who may follow it. Never the
# capability itself; tickets without a row (legacy apps' cases, letters, incidents) are followed by staff only.
ticket_access = Table(
    "ticket_access",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("capability_hash", String(64), nullable=False),
)

# --- citizens' feeds (issue 20): one live stream per signed-in citizen -----------------------------------------

# Who follows a case (CaseFollowed from complaint-svc and tracking-svc): the account only, a keyed hash.
ticket_owners = Table(
    "ticket_owners",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("account", String(128), nullable=False, index=True),
    Column("followed_at", DateTime(timezone=True), nullable=False),
)

# An account's feed: each view of its cases once, numbered by the account's own sequence (the stream's event ids).
# The head row is locked by the transaction that appends, so numbers commit in order: a client resuming after n
# never misses an entry numbered below n that committed later.
citizen_heads = Table(
    "citizen_heads",
    metadata,
    Column("account", String(128), primary_key=True),
    Column("seq", Integer, nullable=False),
)

citizen_feed = Table(
    "citizen_feed",
    metadata,
    Column("account", String(128), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("ticket", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)
