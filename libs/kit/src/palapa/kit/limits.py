"""Sizes the platform can carry, in one place: producers refuse what would exceed them, before staging it."""

from __future__ import annotations

#: The largest event (key + value + headers) the outbox stages. Kafka's default max.message.bytes is
#: 1 MiB including the batch overhead; 900 KiB leaves room for it, and for a dead-letter's escaping.
MAX_EVENT_BYTES = 900 * 1024
