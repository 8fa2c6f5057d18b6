"""Who may read what in notify-svc: its protection table, and the check every ticket route makes.

Messages (issue 19): their staff routes need a role (the complaints desk edits templates, escalation recipients and
citizens' choices; SRE issues API keys), and the notifications API authenticates its own callers (API keys are not
tokens).

A ticket's stream and view are its reporter's: whoever brings its capability (the X-Case-Key header; the private
link's key, palapa.kit.capability) or its signed-in owner (the gate, later), and staff who read cases (their OPD's,
or every one). complaint-svc makes capabilities and owns their digests; notify-svc learns each case's digest from
the case's first ComplaintUpdated (`access_hash`), so it checks a key without a call and without ever seeing one
that was not sent to it. A ticket with no digest (a legacy app's case, a letter request, an incident) is staff's
only until the gate lets its citizen claim it.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse

from palapa.kit.auth import Needs, Permission, Principal, ProtectionTable, Public
from palapa.kit.capability import Citizen, matches
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from . import store

P = Permission
EDIT = P.ROUTING_WRITE  # the complaints desk (Diskominfo) runs the city's messages

TABLE = ProtectionTable("notify-svc", [
    Public("GET", "/tickets/{ticket}/events", why="the reporter follows a case live with its capability "
                                                  "(X-Case-Key); staff by role: the route refuses everyone else"),
    Public("GET", "/tickets/{ticket}", why="a case's latest view, for its capability's holder or staff: the route "
                                           "refuses everyone else"),
    Public("GET", "/citizen/events", why="a signed-in citizen's own cases live: the gate's citizen token "
                                          "(X-Citizen-Token, checked by the kit) names the account; 401 without"),
    Public("GET", "/", why="the citizen page"),
    Public("GET", "/app.js", why="the citizen page's script"),
    Public("GET", "/style.css", why="the citizen page's style sheet"),
    Public("GET", "/layanan", why="redirects to the directory page"),
    # messages (issue 19)
    Public("POST", "/v2/notifications/{channel}",
           why="an OPD's API key (hashed) or an opd-api-client token, checked in the route; anything else is 401"),
    Public("GET", "/v2/notifications/{notification_id}",
           why="the same callers as sending, checked in the route; a caller sees only its own notifications"),
    Public("POST", "/v2/callbacks/{channel}",
           why="a provider's callback, authenticated by the provider's signature (unsigned or replayed: 401)"),
    Needs("GET", "/v2/templates", EDIT),
    Needs("GET", "/v2/templates/{template_id}", EDIT),
    Needs("PUT", "/v2/templates/{template_id}", EDIT),
    Needs("POST", "/v2/templates/{template_id}/preview", EDIT),
    Needs("GET", "/v2/recipients", EDIT),
    Needs("POST", "/v2/recipients", EDIT),
    Needs("DELETE", "/v2/recipients/{recipient_id}", EDIT),
    Needs("PUT", "/v2/preferences", EDIT),
    Needs("POST", "/v2/api-keys", P.OPS),
    Needs("DELETE", "/v2/api-keys/{key_id}", P.OPS),
    Needs("GET", "/v2/tickets/{ticket}/messages", P.CASES_READ),
])

KEY_MISSING = (401, "capability_required", "Buka tautan pribadi dari tanda terima laporan Anda: nomor tiket saja "
                                           "tidak membuka laporan")
WRONG_KEY = (403, "wrong_key", "Kunci akses tidak berlaku untuk tiket ini")


async def refused(runtime: Runtime, ticket: str, key: str | None, who: Principal | None,
                  citizen: Citizen | None = None) -> JSONResponse | None:
    """None when the reader may follow `ticket`, else the refusal. Without a key: 401 whether the ticket exists or
    not; with one: 404 when no capability is known for the ticket (every legacy ticket: no oracle on their
    sequential numbers; a new one's 80 random bits are not enumerable), 403 when it is not this one."""
    if who is not None and who.may(Permission.CASES_READ):
        if who.scoped(Permission.CASES_READ) is None:
            return None
        latest = await store.latest(runtime.sessions, ticket)  # an officer: its own OPD's cases
        if latest is not None and who.may_for_opd(Permission.CASES_READ, latest.get("opd")):
            return None
    # citizen: the gate's signed-in owner will be checked here (complaint-svc knows owners; none sign in yet)
    if not key:
        return refusal(*KEY_MISSING)
    stored = await store.access_hash(runtime.sessions, ticket)
    if stored is None:  # no case here has a capability under this ticket (yet: a case filed a moment ago)
        return refusal(404, "unknown_ticket", f"Tiket {ticket} tidak ditemukan.")
    return None if matches(key, stored) else refusal(*WRONG_KEY)
