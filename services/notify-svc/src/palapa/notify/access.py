"""notify-svc's protection table: everything it serves is the citizen's, and public; it has no staff route."""

from __future__ import annotations

from palapa.kit.auth import ProtectionTable, Public

TABLE = ProtectionTable("notify-svc", [
    Public("GET", "/tickets/{ticket}/events", why="the citizen follows a ticket live by its number (no identity)"),
    Public("GET", "/tickets/{ticket}", why="a ticket's latest public update, by its number"),
    Public("GET", "/", why="the citizen page"),
    Public("GET", "/app.js", why="the citizen page's script"),
    Public("GET", "/style.css", why="the citizen page's style sheet"),
    Public("GET", "/layanan", why="redirects to the directory page"),
])
