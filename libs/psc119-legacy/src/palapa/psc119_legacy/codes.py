"""What PSC 119's status codes mean (the legacy truth), pure: stdlib and contracts only.

`STATUS_CODES` is the one table of where a code puts an incident: bridge-psc119 emits an event per stage it reaches,
and `./palapa reconcile` compares tracking-svc's tickets with it. The closing codes carry the outcome.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where an incident is; the order is the order of this enum."""

    REPORTED = "reported"
    DISPATCHED = "dispatched"
    ON_SCENE = "on_scene"  # the crew arrived: the legacy app records it, the platform has no event for it
    HANDED_OVER = "handed_over"
    CLOSED = "closed"


ORDER = list(Stage)
# The app's codes ('kode_status'), compared trimmed and upper-case; closing codes carry the outcome.
STATUS_CODES: dict[str, Stage] = {"1": Stage.REPORTED, "2": Stage.DISPATCHED, "3": Stage.ON_SCENE,
                                  "4": Stage.HANDED_OVER, "S": Stage.CLOSED, "B": Stage.CLOSED, "TD": Stage.CLOSED}
OUTCOMES = {"S": "selesai", "B": "dibatalkan", "TD": "tidak ditemukan"}
# The stage a ticket shows for each: the crew's arrival has no event, so the ticket still reads "dispatched"
SHOWN: dict[Stage, Stage] = {**{s: s for s in Stage}, Stage.ON_SCENE: Stage.DISPATCHED}


def stage_of(code: str | None) -> Stage | None:
    """The stage a PSC 119 code means, None when the app would not know it."""
    return None if code is None else STATUS_CODES.get(" ".join(code.split()).upper())


def shown_status(code: str | None) -> str | None:
    """The status the platform's ticket shows for an incident at this code, None for an unknown code."""
    stage = stage_of(code)
    return None if stage is None else SHOWN[stage].value
