"""notify-svc's protection table: the citizen's live feed and page are public; messages' staff routes need a role,
and the notifications API authenticates its own callers (API keys are not tokens)."""

from __future__ import annotations

from palapa.kit.auth import Needs, Permission, ProtectionTable, Public

P = Permission
# the complaints desk (Diskominfo) runs the city's messages: templates, escalation recipients, citizens' choices
EDIT = P.ROUTING_WRITE

TABLE = ProtectionTable("notify-svc", [
    Public("GET", "/tickets/{ticket}/events", why="the citizen follows a ticket live by its number (no identity)"),
    Public("GET", "/tickets/{ticket}", why="a ticket's latest public update, by its number"),
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
