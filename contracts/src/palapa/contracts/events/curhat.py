"""The write-back commands to Curhat Ning Ita (issue 11): record a portal complaint in the legacy app that is the
OPD's system of record, and write the portal's staff moves on the cases it holds. Its answers (ComplaintLinked,
ComplaintMoveSuperseded) travel on the intake topic (complaints.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from ..identity import SealedIdentity, lift_clear_identity
from .base import DAY_MS, TICKET_MAX_LENGTH, Event, Topic
from .complaints import CaseStatus

__all__ = ["CURHAT_COMMANDS", "RecordComplaint", "RecordComplaintV2", "SetComplaintStatus",
           "upcast_record_complaint_v1_v2"]


class _Record(Event):
    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH, description="The portal's ticket, e.g. LAPOR-…")
    category: str | None = None
    description: str = Field(min_length=1)
    kelurahan: str | None = None
    kecamatan: str | None = None
    submitted_at: datetime


class RecordComplaint(_Record):
    """Command to a legacy complaints app (through its bridge): record this portal complaint as the app would.
    v1 carried the reporter in clear: read as v2, never sent."""

    event_type: ClassVar[str] = "palapa.curhat.record_complaint.v1"
    version: ClassVar[int] = 1

    reporter_name: str | None = None
    reporter_phone: str | None = None


class RecordComplaintV2(_Record, SealedIdentity):
    """Command to a legacy complaints app (through its bridge): record this portal complaint as the app would.

    The legacy app is the OPD's system of record and needs the reporter's name and phone: they travel sealed for
    the bridge alone (`reporter_sealed`, palapa.kit.sealed under REPORTER_KEY with this purpose)."""

    event_type: ClassVar[str] = "palapa.curhat.record_complaint.v2"
    version: ClassVar[int] = 2
    SEAL_PURPOSE: ClassVar[str] = "curhat.record_complaint"

    reporter_sealed: str | None = Field(default=None, max_length=4096,
                                        description="The reporter's name and phone (Identity) as a JWE bound to the "
                                                    "ticket, for the bridge alone; none for an anonymous report")


def upcast_record_complaint_v1_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """A v1 RecordComplaint as v2: the clear name and phone kept privately (SealedIdentity.v1_identity)."""
    return lift_clear_identity(payload)


class SetComplaintStatus(Event):
    """Command to a legacy complaints app (through its bridge): write the status a staff member set in the portal
    on a case the app holds (issue 17, both ways).

    The bridge writes the app's own code for `status` (its one table decides it) unless the row has moved since the
    portal last saw it (`seen_status`): then the app wins and the bridge answers ComplaintMoveSuperseded."""

    event_type: ClassVar[str] = "palapa.curhat.set_complaint_status.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    legacy_ref: str | None = Field(
        default=None, max_length=64,
        description="The legacy row's id; None: the bridge finds the row it wrote for the ticket (write-back)")
    status: CaseStatus = Field(description="The status staff moved the case to")
    seen_status: CaseStatus = Field(description="The case's status before the move: what the portal believed the "
                                                "legacy app's status was")
    seen_legacy_status: str | None = Field(default=None, max_length=64,
                                           description="The app's own code last reported for the case, if any")
    by: str = Field(min_length=1, max_length=100, description="The staff account that made the move (a name, "
                                                             "never an identity)")
    revision: int = Field(ge=1, description="The case revision the move made")
    moved_at: datetime


#: Commands to Curhat Ning Ita's bridge: portal complaints the legacy app must hold (it is the system of record),
#: and staff moves on the cases it holds. One partition: a ticket's commands are written in the order made.
CURHAT_COMMANDS = Topic(
    name="palapa.curhat.commands.v1",
    partitions=1,
    key="ticket",
    events=(RecordComplaint, SetComplaintStatus, RecordComplaintV2),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (CURHAT_COMMANDS,)
