"""complaint-svc's tables (schema `complaint`), all of them in one MetaData: the migrations and create_all see
every table without importing the modules that query them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="complaint", info={"migrations": Path(__file__).with_name("migrations")})
# Unbounded VARCHARs for text from source apps: a long value must not fail the insert and block the partition.

cases = Table(
    "cases",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("source_app", String, nullable=False),
    Column("source_ref", String, nullable=False),
    Column("opd", String, nullable=False),
    Column("category", String, nullable=True),
    Column("status", String(20), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("forward_due_at", DateTime(timezone=True), nullable=True),
    Column("description", Text, nullable=True),
    Column("kelurahan", String, nullable=True),
    Column("kecamatan", String, nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("confidentiality", String(20), nullable=False, server_default="public"),
    Column("escalation_level", Integer, nullable=False, server_default="0"),
    Column("escalated_to", String, nullable=True),
    Column("responsible", String, nullable=True),
    Column("duplicate_of", String(64), nullable=True),
    Column("possible_duplicate_of", String(64), nullable=True),
    Column("linked_app", String(64), nullable=True),
    Column("linked_ref", String(64), nullable=True),
    Column("sla_round", Integer, nullable=False, server_default="0"),
    # normalised category, for duplicates and figures
    Column("category_key", String, nullable=True),
    # when the deadline checker must look at the case again (NULL: no clock runs)
    Column("sla_next_at", DateTime(timezone=True), nullable=True),
    Index("ix_cases_sla_next_at", "sla_next_at"),
    Index("ix_cases_category_key_submitted", "category_key", "submitted_at"),
    # Listing pages newest first within an OPD or a status (keyset on submitted_at, ticket).
    Index("ix_cases_opd_status_submitted", "opd", "status", "submitted_at", "ticket"),
    Index("ix_cases_status_submitted", "status", "submitted_at", "ticket"),
    Index("ix_cases_submitted", "submitted_at", "ticket"),
)

case_events = Table(
    "case_events",
    metadata,
    Column("ticket", String(64), ForeignKey("cases.ticket", ondelete="CASCADE"), primary_key=True),
    # Revision n of the case added timeline step n.
    Column("revision", Integer, primary_key=True),
    Column("status", String(20), nullable=False),
    Column("legacy_status", String, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("note", Text, nullable=True),
)

# The reporter's identity, apart from the case: no view but the complaint desk's reads it; anonymous: no row.
reporters = Table(
    "reporters",
    metadata,
    Column("ticket", String(64), ForeignKey("cases.ticket", ondelete="CASCADE"), primary_key=True),
    # name, masked NIK, phone and e-mail, sealed under the contacts key for this ticket (identity.py)
    Column("identity_sealed", Text, nullable=True),
    # the keyed hash of the number the legacy app recorded (ComplaintSubmitted.reporter_phone_hash): the phone account
    # that may claim the case (cases/phone_claims.py); never the number
    Column("phone_hash", String(32), nullable=True),
    Index("ix_reporters_phone_hash", "phone_hash"),
)


# Open311 (open311/apikeys.py): clients' API keys, stored as SHA-256 digests of random keys, never the keys.
api_keys = Table(
    "api_keys",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# A request filed through Open311 or the portal: what the case view lacks (where, what, how), and the reporter's
# contact, kept here and in no event or view. The token answers GET tokens/{token}.
submissions = Table(
    "submissions",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("channel", String(20), nullable=False),
    # the form's once-per-page key: a second POST with it answers the first's ticket (a double click files once)
    Column("idempotency_key", String(64), nullable=True, unique=True),
    Column("client", String(200), nullable=True),
    Column("service_code", String(64), nullable=False),
    Column("description", String, nullable=False),
    Column("lat", Float, nullable=True),
    Column("long", Float, nullable=True),
    Column("address", String, nullable=True),
    Column("address_id", String, nullable=True),
    Column("media_url", String, nullable=True),
    Column("attributes", JSONB, nullable=False),
    # the reporter's name, e-mail and phone, sealed under the contacts key for this ticket (identity.py)
    Column("contact_sealed", Text, nullable=True),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
)

# A case's capability (cases/keys.py): digests only, never the link or the PIN. A row is written with the
# submission, before the case exists (the intake makes the case): the holder can read at once.
case_keys = Table(
    "case_keys",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("capability_hash", String(64), nullable=False, unique=True),
    Column("pin_hash", String(64), nullable=False),
    Column("pin_salt", String(32), nullable=False),
    # wrong PINs in a row, and until when the PIN is locked after too many (cases/keys.py MAX_PIN_TRIES)
    Column("pin_failures", Integer, nullable=False, server_default="0"),
    Column("pin_locked_until", DateTime(timezone=True), nullable=True),
    # the signed-in citizen (palapa.kit.capability.Citizen.subject) who owns the case: set by the gate's sign-in
    Column("owner", String(200), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_case_keys_owner", "owner"),
)

# Short-lived read tokens, each the SHA-256 of a random token given for a ticket and its PIN.
read_tokens = Table(
    "read_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("ticket", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_read_tokens_expires_at", "expires_at"),
)


# The city's editable tables (routing/store.py): routing rules with their history (who, when, why), and its own
# closures.
# kelurahan and kecamatan are '' when a rule holds for the whole city (a unique key ignores NULLs)
routes = Table(
    "routes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("category", String, nullable=False),
    Column("kelurahan", String, nullable=False, server_default=""),
    Column("kecamatan", String, nullable=False, server_default=""),
    Column("opd", String, nullable=False),
    Column("forward_days", Integer, nullable=True),
    Column("follow_up_days", Integer, nullable=True),
    UniqueConstraint("category", "kelurahan", "kecamatan", name="uq_routes_place"),
)

route_changes = Table(
    "route_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String, nullable=False),
    Column("why", Text, nullable=False),
    Column("action", String(10), nullable=False),
    Column("category", String, nullable=False),
    Column("kelurahan", String, nullable=False),
    Column("kecamatan", String, nullable=False),
    Column("opd_before", String, nullable=True),
    Column("opd_after", String, nullable=True),
    Column("forward_days", Integer, nullable=True),
    Column("follow_up_days", Integer, nullable=True),
)

closures = Table(
    "closures",
    metadata,
    Column("day", Date, primary_key=True),
    Column("reason", Text, nullable=False),
    Column("by", String, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)


# The deadline checker's tables (sla/store.py): each warning and breach once per case, clock round and level;
# and ratings.
sla_marks = Table(
    "sla_marks",
    metadata,
    Column("ticket", String(64), ForeignKey("cases.ticket", ondelete="CASCADE"), primary_key=True),
    Column("round", Integer, primary_key=True),
    Column("stage", String(20), primary_key=True),
    Column("level", Integer, primary_key=True),
    Column("emitted_at", DateTime(timezone=True), nullable=False),
)

ratings = Table(
    "ratings",
    metadata,
    Column("ticket", String(64), ForeignKey("cases.ticket", ondelete="CASCADE"), primary_key=True),
    Column("stars", Integer, CheckConstraint("stars BETWEEN 1 AND 5", name="ck_ratings_stars"), nullable=False),
    Column("comment", Text, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
)
