"""Palapa's shared event contracts: events, the CloudEvents envelope, the topic registry, schemas.

Everything public is importable from here (`from palapa.contracts import ComplaintSubmitted, COMPLAINT_INTAKE`),
as from the modules that declare it (`palapa.contracts.events`, `.topics`, `.envelope`).
"""

from __future__ import annotations

from . import envelope, events, topics
from .envelope import Envelope, EnvelopeError, from_kafka
from .events import *  # noqa: F403
from .topics import ALL_TOPICS, topic_for

__all__ = ["ALL_TOPICS", "Envelope", "EnvelopeError", "envelope", "events", "from_kafka", "topic_for", "topics"]
__all__ += events.__all__
