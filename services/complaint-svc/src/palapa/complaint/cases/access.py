"""Who may do what in complaint-svc: its protection table, and the checks that need the case's OPD (pure).

The token's roles decide (palapa.kit.auth.ROLES): the complaints desk sees and moves every case, an OPD officer
only its own OPD's, the Sekda and the Wali Kota read every case and act on those escalated past the OPD; the
public sees a ticket's public view. Only the desk sees a reporter's identity (views.py says what each view holds).
"""

from __future__ import annotations

from palapa.kit.audit.api import AUDIT_RULE
from palapa.kit.auth import (
    ROLES,
    Authenticated,
    AuthError,
    Needs,
    Permission,
    Principal,
    ProtectionTable,
    Public,
    Role,
)
from palapa.kit.auth.refusals import forbidden

from ..lifecycle.domain import Case
from .views import Role as View

P = Permission
#: the roles that see who reported a case (unless it was anonymous: then nothing was kept)
IDENTITY_ROLES = frozenset({Role.DESK})
#: an escalation reaches the Sekda at level 2 and the Wali Kota at level 3 (sla/domain.py CHAIN)
ESCALATED_PAST_OPD = 2

TABLE = ProtectionTable("complaint-svc", [
    Public("GET", "/complaints/{ticket}", why="the reporter reads the case with its capability (X-Case-Key) or as "
                                              "its signed-in owner; staff tokens as their role may see: the route "
                                              "refuses everyone else (401/403)"),
    Public("GET", "/complaints", why="the public listing: no identity, description or place of a non-public case; "
                                     "a staff token scopes it to its OPD"),
    Public("POST", "/complaints/{ticket}/access", why="the reporter exchanges ticket + PIN for a short-lived read "
                                                      "token; 5 wrong PINs lock it"),
    Public("POST", "/complaints", why="citizens file complaints through the form, anonymously or signed in at the "
                                      "gate (then the case is theirs)"),
    Public("GET", "/citizen/complaints", why="a signed-in citizen's own cases: the route refuses without the gate's "
                                             "citizen token (401 citizen_required)"),
    Public("POST", "/citizen/complaints/{ticket}/claim", why="a signed-in citizen binds a case by its ticket + PIN: "
                                                             "the route needs the citizen token and the PIN; 5 wrong "
                                                             "PINs lock it"),
    Public("GET", "/citizen/complaints/claimable", why="a signed-in citizen's unclaimed cases recorded with their "
                                                       "phone number: the route refuses without the citizen token "
                                                       "and matches only the token's own account"),
    Public("POST", "/citizen/complaints/{ticket}/claim-by-phone", why="a signed-in citizen binds a case recorded with "
                                                                      "their phone number: the route needs the "
                                                                      "citizen token and checks the match itself"),
    Public("POST", "/complaints/{ticket}/rating", why="the reporter rates a resolved case once: the route checks its "
                                                      "capability (X-Case-Key) or owner"),
    # a move is checked against the case's OPD and escalation in the route (may_move): no single permission says it
    Authenticated("POST", "/complaints/{ticket}/status"),
    Needs("POST", "/complaints/{ticket}/category", P.CASES_MOVE),
    Needs("POST", "/complaints/{ticket}/reroute", P.CASES_REROUTE),
    # the route checks the case is escalated past its OPD (may_instruct)
    Needs("POST", "/complaints/{ticket}/instruction", P.ESCALATIONS_ACT),
    # who sees which level is decided in the route (escalation_levels): the desk all, the Sekda and Wali Kota theirs
    Needs("GET", "/escalations", P.CASES_READ),
    Public("GET", "/routes", why="which OPD handles which category is the city's published policy"),
    # the account behind each change or closure (`by`) only for routing.write or audit.read (routing/api.py)
    Public("GET", "/routes/history", why="the routing policy's changes and their reasons, no account names"),
    Public("GET", "/closures", why="the city's closures decide every citizen's deadline (no account names)"),
    Needs("PUT", "/routes", P.ROUTING_WRITE),
    Needs("DELETE", "/routes", P.ROUTING_WRITE),
    Needs("PUT", "/closures/{day}", P.ROUTING_WRITE),
    Needs("DELETE", "/closures/{day}", P.ROUTING_WRITE),
    Public("GET", "/stats/opd", why="per-OPD figures are published for accountability"),
    Public("GET", "/stats", why="the per-OPD figures' page"),
    Public("GET", "/stats/on-time", why="each OPD's on-time rate by week: counts only, published for accountability"),
    # breaches and escalations waiting, city-wide counts for those who oversee the service: audit.read is held by
    # exactly the SRE, the desk, the Sekda and the Wali Kota (not an OPD's officer, not a client)
    Needs("GET", "/stats/service-level", P.AUDIT_READ),
    Public("GET", "/lapor", why="the citizens' complaint form"),
    Public("GET", "/lapor/{asset}", why="the complaint form's script and style sheet"),
    Public("GET", "/open311/v2/services.{fmt}", why="GeoReport v2: the service list is public"),
    Public("GET", "/open311/v2/services/{name}", why="GeoReport v2: a service's definition is public"),
    Public("GET", "/open311/v2/requests.{fmt}", why="GeoReport v2: the list is public (no identity, description or "
                                                    "place of a non-public case)"),
    Public("GET", "/open311/v2/requests/{name}", why="GeoReport v2: one request, for its capability's holder or "
                                                     "staff: the route refuses everyone else"),
    Public("GET", "/open311/v2/tokens/{name}", why="GeoReport v2: a token's request id, for the client that filed it"),
    Public("POST", "/open311/v2/requests.{fmt}", why="GeoReport v2 authenticates a client by the api_key in the form "
                                                     "(open311/apikeys.py)", bearer=P.OPEN311_WRITE),
    AUDIT_RULE,
])


def account(who: Principal) -> str:
    """Who acted, as the routing history names them: the account's username, else its subject."""
    return (who.name or who.subject)[:100]


def view_of(who: Principal | None, case: Case) -> View:
    """The view of `case` this reader may have: the desk's (with identity), the OPD's, or the public's."""
    if who is None or not who.may_for_opd(P.CASES_READ, case.opd):
        return View.PUBLIC
    return View.DESK if who.roles & IDENTITY_ROLES else View.OPD


#: (status, reason, detail) of a citizen's read without a key, and with a key that opens nothing
KEY_MISSING = (401, "capability_required", "Buka tautan pribadi dari tanda terima laporan Anda, atau tukar nomor "
                                           "tiket dan PIN-nya (POST /complaints/{tiket}/access)")
WRONG_KEY = (403, "wrong_key", "Kunci akses tidak berlaku untuk tiket ini")


def staff_reads(who: Principal | None) -> bool:
    """Whether `who` is staff who read cases (for some OPD at least)."""
    return who is not None and who.may(P.CASES_READ)


def listing_scope(who: Principal | None, asked: str | None) -> tuple[View, str | None]:
    """(the view of a listing, the OPD it is limited to): an officer's listing is its own OPD's cases only."""
    if who is None or not who.may(P.CASES_READ):
        return View.PUBLIC, asked
    scope = who.scoped(P.CASES_READ)
    if scope is None:  # city-wide readers (desk, Sekda, Wali Kota): a listing never carries identities anyway
        return View.OPD, asked
    if asked is not None:
        if asked not in scope:
            raise forbidden("wrong_opd", "Anda hanya dapat melihat pengaduan OPD Anda sendiri")
        return View.OPD, asked
    if len(scope) != 1:
        raise forbidden("wrong_opd", "Pilih OPD Anda dengan ?opd= (akun Anda tidak terikat pada satu OPD)")
    return View.OPD, next(iter(scope))


def may_move(who: Principal, case: Case, to_opd: str | None) -> None:
    """Refuse (AuthError 403) unless `who` may move `case`, and send it to `to_opd` when that is another OPD."""
    escalated = case.escalation_level >= ESCALATED_PAST_OPD and who.may(P.ESCALATIONS_ACT)
    if not (who.may_for_opd(P.CASES_MOVE, case.opd) or escalated):
        if who.may(P.CASES_MOVE) or who.may(P.ESCALATIONS_ACT):
            raise forbidden("wrong_opd", f"Pengaduan {case.ticket} milik OPD lain; Anda hanya dapat menangani "
                                         "pengaduan OPD Anda sendiri (atau eskalasi yang sampai kepada Anda)")
        raise forbidden("role_missing", "Tindakan ini memerlukan peran: complaints-desk, opd-officer "
                                        "(OPD-nya sendiri), sekda atau wali-kota (eskalasi)")
    if to_opd and to_opd.strip().upper() != case.opd and not who.may(P.CASES_REROUTE):
        raise forbidden("role_missing", "Mengalihkan pengaduan ke OPD lain memerlukan peran: complaints-desk")


def may_instruct(who: Principal, case: Case) -> None:
    """Refuse (AuthError 403) unless `case` is escalated past its OPD and `who` acts on escalations."""
    if not who.may(P.ESCALATIONS_ACT):
        raise forbidden("role_missing", "Arahan atas eskalasi memerlukan peran: sekda atau wali-kota")
    if case.escalation_level < ESCALATED_PAST_OPD:
        raise forbidden("not_escalated", f"Pengaduan {case.ticket} belum dieskalasi kepada Sekda atau Wali Kota")


def escalation_levels(who: Principal) -> tuple[int, int | None]:
    """The escalation levels (lowest, highest or None) `who` is waited on at: the Sekda level 2, the Wali Kota 3 and
    above, city-wide readers (the desk) every level past the OPD. AuthError 403 for anyone else."""
    leader = {Role.SEKDA, Role.WALI_KOTA} & who.roles
    if Role.DESK in who.roles or len(leader) == 2:
        return ESCALATED_PAST_OPD, None
    if leader == {Role.SEKDA}:
        return ESCALATED_PAST_OPD, ESCALATED_PAST_OPD
    if leader == {Role.WALI_KOTA}:
        return ESCALATED_PAST_OPD + 1, None
    raise forbidden("role_missing", "Daftar eskalasi untuk peran: complaints-desk, sekda atau wali-kota")


def leader_title(who: Principal) -> str:
    """How an instruction is signed in the timeline: the role's title (the Wali Kota's first), never the person."""
    for role in (Role.WALI_KOTA, Role.SEKDA):
        if role in who.roles:
            return ROLES[role].title
    return "pimpinan"


__all__ = ["IDENTITY_ROLES", "KEY_MISSING", "TABLE", "WRONG_KEY", "AuthError", "account", "escalation_levels",
           "leader_title", "listing_scope", "may_instruct", "may_move", "staff_reads", "view_of"]
