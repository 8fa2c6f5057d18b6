"""Citizens (issue 20): which account follows which case, so a citizen's one live stream carries all of theirs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from .base import DAY_MS, TICKET_MAX_LENGTH, Event, Topic
from .tax import NOP_PATTERN

__all__ = ["ACCOUNT_PATTERN", "CITIZEN_BILLS", "CITIZEN_CASES", "CaseFollowed", "FollowedBillUpdated", "FollowedHow"]

#: A gate account, as the citizen token's `sub`: the gate makes `warga-` (phone verified) or `inapas-` (NIK verified)
#: and 128 bits of a keyed hash, never a number or a NIK (docs/gate.md, "The account").
ACCOUNT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"


class FollowedHow(StrEnum):
    FILED = "filed"  # filed at the gate while signed in
    CLAIMED = "claimed"  # ticket + PIN
    CLAIMED_BY_PHONE = "claimed_by_phone"  # the phone a legacy app recorded
    REQUESTED = "requested"  # a letter requested at the gate
    FOLLOWED_NOP = "followed_nop"  # a PBB bill followed by its NOP at the gate (the ticket is the follow's own)


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



class FollowedBillUpdated(Event):
    """A PBB bill as one citizen's follow of its NOP shows it (taxbill-svc): issued, changed, paid. The ticket is the
    follow's own (`PBB-<nop>-<8 hex>`), so a NOP many accounts follow still has one owner per ticket."""

    event_type: ClassVar[str] = "palapa.citizen.followed_bill_updated.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH, description="e.g. PBB-357601000100201230-9F3A01C2")
    revision: int = Field(ge=1, description="Increases by one with every view of this follow")
    nop: str = Field(pattern=NOP_PATTERN.pattern)
    nop_formatted: str
    year: int | None = Field(default=None, ge=1900, le=2200, description="None until a bill is known")
    amount_due: int | None = Field(default=None, ge=0, description="Rupiah")
    due_date: date | None = None
    paid: bool = False
    status: str = Field(description="due, paid, or none (no bill yet)")
    status_label: str
    updated_at: datetime


#: The followed bills' views, for notify-svc to put on their followers' streams.
CITIZEN_BILLS = Topic(
    name="palapa.citizen.bills.v1",
    partitions=2,
    key="ticket",
    events=(FollowedBillUpdated,),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)

TOPICS = (CITIZEN_CASES, CITIZEN_BILLS)
