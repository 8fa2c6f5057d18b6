"""Which legacy records a bridge quarantined: read from the quarantine topic (RowQuarantined), the contract."""

from __future__ import annotations

from palapa.contracts.events import RowQuarantined
from palapa.contracts.topics import BRIDGE_QUARANTINE
from palapa.tools.topic_count import envelopes, read_topic


async def quarantined_ids(bootstrap: str, app: str, timeout_s: float = 30) -> set[str]:
    """The source ids `app`'s bridge put in quarantine (as the topic holds them now)."""
    good, _ = envelopes(await read_topic(bootstrap, BRIDGE_QUARANTINE, timeout_s=timeout_s))
    return {e.data.source_id for e in good if isinstance(e.data, RowQuarantined) and e.data.source_app == app}
