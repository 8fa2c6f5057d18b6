"""Domain events: frozen, versioned, past tense. New fields are optional; a breaking change is a new version.

One module per domain declares its events and the topics they travel on (its TOPICS): a new event is its
class there and its place in one of those topics' `events`. This package re-exports every module's names.
"""

from __future__ import annotations

from . import base, bridges, cases, catalog, citizens, complaints, curhat, health, platform, tax, tickets, transport
from .base import *  # noqa: F403
from .bridges import *  # noqa: F403
from .cases import *  # noqa: F403
from .catalog import *  # noqa: F403
from .citizens import *  # noqa: F403
from .complaints import *  # noqa: F403
from .curhat import *  # noqa: F403
from .health import *  # noqa: F403
from .platform import *  # noqa: F403
from .tax import *  # noqa: F403
from .tickets import *  # noqa: F403
from .transport import *  # noqa: F403

#: The domain modules, each declaring its events and their topics.
DOMAINS = (complaints, cases, bridges, platform, health, tax, transport, tickets, catalog, citizens, curhat)

#: Every event, read off the topics that carry it (contracts/tests check each is on exactly one).
ALL_EVENTS: tuple[type[base.Event], ...] = tuple(e for d in DOMAINS for topic in d.TOPICS for e in topic.events)

EVENT_TYPES: dict[str, type[base.Event]] = {e.event_type: e for e in ALL_EVENTS}

__all__ = ["ALL_EVENTS", "DOMAINS", "EVENT_TYPES"]
__all__ += base.__all__
__all__ += bridges.__all__
__all__ += cases.__all__
__all__ += catalog.__all__
__all__ += citizens.__all__
__all__ += complaints.__all__
__all__ += curhat.__all__
__all__ += health.__all__
__all__ += platform.__all__
__all__ += tax.__all__
__all__ += tickets.__all__
__all__ += transport.__all__
