"""Citizens (issue 20): which account follows which case, so a citizen's one live stream carries all of theirs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from .base import TICKET_MAX_LENGTH, Event, Topic

__all__ = ["ACCOUNT_PATTERN", "CITIZEN_CASES", "CaseFollowed", "FollowedHow"]

#: A gate account, as the citizen token's `sub`: the gate makes `warga-` (phone verified) or `inapas-` (NIK verified)
#: and 128 bits of a keyed hash, never a number or a NIK (docs/gate.md, "The account").
ACCOUNT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"


class FollowedHow(StrEnum):
    FILED = "filed"  # filed at the gate while signed in
    CLAIMED = "claimed"  # ticket + PIN
    CLAIMED_BY_PHONE = "claimed_by_phone"  # the phone a legacy app recorded
    REQUESTED = "requested"  # a letter requested at the gate


class CaseFollowed(Event):
    """A case is now a citizen account's: notify-svc puts its views on that account's one stream from now on."""

    event_type: ClassVar[str] = "palapa.citizen.case_followed.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    account: str = Field(pattern=ACCOUNT_PATTERN, description="The gate account (a keyed hash), never identity")
    how: FollowedHow
    at: datetime


#: Compacted by ticket: the newest owner of every case stays readable, so a consumer rebuilt from the start
#: learns every case's owner however old.
CITIZEN_CASES = Topic(
    name="palapa.citizen.cases.v1",
    partitions=2,
    key="ticket",
    events=(CaseFollowed,),
    config={"cleanup.policy": "compact"},
)

TOPICS = (CITIZEN_CASES,)
