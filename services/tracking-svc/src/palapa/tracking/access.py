"""tracking-svc's protection table: a ticket's record for its owner (the gate's citizen token) or staff who read
cases; a citizen's own letters; no other staff route.

A ticket's number is no key to its view: Si Makel's and PSC 119's numbers are sequential (SIMAKEL-n, PSC119-n), so
a view by number alone let anyone enumerate the city's emergencies (their kind, kelurahan and timeline)."""

from __future__ import annotations

from palapa.kit.auth import Permission, ProtectionTable, Public

TABLE = ProtectionTable("tracking-svc", [
    Public("GET", "/tickets/{ticket}", why="a letter request's or an emergency's record, for its owner (the gate's "
                                          "citizen token) or staff who read cases (a bearer token with cases.read); "
                                          "the route answers anyone else 404, as for an unknown ticket",
           bearer=Permission.CASES_READ),
    Public("POST", "/citizen/letters", why="a signed-in citizen requests a letter: the route refuses without the "
                                           "gate's citizen token (401 citizen_required); the ticket is theirs"),
    Public("GET", "/citizen/letters", why="a signed-in citizen's own letters: the route needs the citizen token and "
                                          "lists only that account's"),
    Public("GET", "/citizen/letters/{ticket}", why="one of the citizen's letters: the route needs the citizen token; "
                                                   "another account's reads as unknown (404)"),
    Public("GET", "/citizen/incidents", why="a signed-in citizen's own incidents (claimed by phone): the route needs "
                                            "the citizen token and lists only that account's"),
    Public("GET", "/citizen/incidents/claimable", why="the incidents called in from the signed-in citizen's number: "
                                                      "matched by the token's phone account, no number taken"),
    Public("POST", "/citizen/incidents/{ticket}/claim-by-phone",
           why="a phone-verified citizen claims an incident called in from their number: the route needs the citizen "
               "token; another number or an unknown ticket is 404 alike, another owner 409; audited"),
])
