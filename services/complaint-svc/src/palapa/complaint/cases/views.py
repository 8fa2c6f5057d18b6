"""What each reader of a case may see (pure): the public, the OPD handling it, the city's complaint desk.

The reporter's identity (NIK, name, phone, e-mail) is never in the public's or the OPD's view; the complaint
desk sees it unless the report is anonymous (then nothing was kept). The public sees no description either:
citizens write names and addresses into it; nor the place of an anonymous or confidential case. The owner (whoever
holds the case's capability) sees what the OPD sees.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from ..lifecycle.domain import Case, Reporter
from ..lifecycle.transitions import TRANSITIONS

HIDDEN = "dirahasiakan"


class Role(StrEnum):
    PUBLIC = "public"
    OWNER = "owner"  # its reporter: the capability's holder or the signed-in owner (what they wrote, not who)
    OPD = "opd"
    DESK = "desk"


def case_view(case: Case, role: Role, reporter: Reporter | None = None, rating: dict | None = None) -> dict[str, Any]:
    """The case as `role` may see it."""
    view: dict[str, Any] = {
        "ticket": case.ticket, "status": case.status.value, "status_kind": case.kind.value,
        "status_label": case.status_label, "opd": case.opd, "category": case.category,
        "kelurahan": case.kelurahan, "kecamatan": case.kecamatan, "source_app": case.source_app,
        "submitted_at": case.submitted_at, "updated_at": case.updated_at, "due_at": case.due_at,
        "forward_due_at": case.forward_due_at, "current_due_at": case.current_due_at, "revision": case.revision,
        "confidentiality": case.confidentiality, "escalation_level": case.escalation_level,
        "escalated_to": case.escalated_to, "responsible": case.responsible, "duplicate_of": case.duplicate_of,
        "possible_duplicate_of": case.possible_duplicate_of, "recorded_in": case.linked_app,
        "rating": None if rating is None else {"stars": rating["stars"]},
        "timeline": [{"status": s.status.value, "label": s.label, "at": s.at, "legacy_status": s.legacy_status,
                      "note": s.note} for s in case.timeline],
    }
    if role is Role.PUBLIC:
        if case.confidentiality != "public":  # anonymous or confidential: not even where (issue 20)
            view |= {"kelurahan": None, "kecamatan": None}
        return view
    view |= {"description": case.description, "latitude": case.latitude, "longitude": case.longitude}
    if rating is not None:
        view["rating"] = rating
    if role in (Role.OPD, Role.DESK):  # the staff workspace offers only these (complaint-svc still checks each)
        view["next_moves"] = sorted(s.value for s in TRANSITIONS.get(case.status, ()))
    if role is Role.DESK:
        view["reporter"] = _reporter(case, reporter)
    return view


def _reporter(case: Case, who: Reporter | None) -> dict[str, Any] | None:
    if case.confidentiality == "anonymous" or who is None:
        return None
    return {"name": who.name, "nik_masked": who.nik_masked, "phone": who.phone, "email": who.email}
