"""Si Makel letters and PSC 119 incidents: each app's API ↔ tracking-svc's ticket ↔ notify-svc's latest revision.

What the apps' codes mean is decided by tables that still live only inside their bridges (bridge-simakel,
bridge-psc119), which tools may not import: so this compares what needs no code table — every record the app lists
has a ticket or is quarantined, every ticket has its record, and notify-svc shows the ticket's last revision, status
and timeline. (Moving those tables to libs/simakel-legacy and libs/psc119-legacy, as Curhat's, would add the status.)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx

from .difference import Comparison

SIMAKEL, PSC119 = "si-makel", "psc-119"
PREFIX = {SIMAKEL: "SIMAKEL-", PSC119: "PSC119-"}
PAGE = 500


class SourceUnreadableError(RuntimeError):
    """A legacy source could not be read; the message says which and why."""


def judge(app: str, ids: list[str], tickets: dict[str, dict], views: dict[str, dict],
          quarantined: set[str] | None) -> Comparison:
    """The app's record ids against tracking-svc's tickets and notify-svc's views (pure)."""
    out = Comparison(app, records=len(ids))
    listed = {PREFIX[app] + i for i in ids}
    for source_id in ids:
        ticket = PREFIX[app] + source_id
        if ticket not in tickets:
            if quarantined is not None and source_id not in quarantined:
                out.add(ticket, "lost", "the app lists it; tracking-svc has no ticket and the quarantine no row")
            continue
        have, view = tickets[ticket], views.get(ticket)
        if view is None:
            out.add(ticket, "lost", f"no view in notify-svc (tracking-svc at revision {have['revision']})")
            continue
        ours = [(s.get("status"), s.get("note")) for s in have["timeline"]]
        seen = [(s.get("status"), s.get("note")) for s in view.get("timeline", ())]
        if (view.get("revision"), view.get("status"), seen) != (have["revision"], have["status"], ours):
            out.add(ticket, "mismatched",
                    f"notify-svc shows revision {view.get('revision')} {view.get('status')}, "
                    f"tracking-svc revision {have['revision']} {have['status']}")
    for ticket in sorted(set(tickets) - listed):
        out.add(ticket, "mismatched", "tracking-svc has a ticket the app no longer lists")
    out.observed = tuple(sorted((t, v["revision"]) for t, v in tickets.items()))
    return out


async def simakel_ids(http: httpx.AsyncClient, url: str) -> list[str]:
    """Every request id Si Makel lists (GET /api/permohonan from the start, page by page)."""
    ids: set[str] = set()
    page = 1
    while True:
        resp = await _get(http, f"{url}/api/permohonan", {"halaman": page, "per_halaman": PAGE}, SIMAKEL)
        try:
            root = ET.fromstring(resp.content)
        except ET.ParseError as exc:
            raise SourceUnreadableError(f"{SIMAKEL}: its page {page} is not XML ({exc})") from exc
        ids |= {el.get("id", "") for el in root.iter("permohonan")}
        if root.findtext("ada_lagi", "0").strip() != "1":
            return sorted(ids)
        page += 1


async def psc119_ids(http: httpx.AsyncClient, url: str) -> list[str]:
    """Every incident id PSC 119 lists (GET /api/v1/insiden from the start, following its tokens)."""
    ids: set[str] = set()
    after: str | None = None
    while True:
        params = {"per_halaman": PAGE, **({"setelah": after} if after else {})}
        body = (await _get(http, f"{url}/api/v1/insiden", params, PSC119)).json()
        ids |= {str(item.get("id_insiden")) for item in body.get("data", [])}
        if not body.get("ada_lagi"):
            return sorted(ids)
        after = body.get("berikutnya")


async def _get(http: httpx.AsyncClient, url: str, params: dict, app: str) -> httpx.Response:
    try:
        resp = await http.get(url, params=params)
    except httpx.HTTPError as exc:
        raise SourceUnreadableError(f"{app}'s API at {url} does not answer ({exc.__class__.__name__})") from exc
    if resp.status_code != 200:
        raise SourceUnreadableError(f"{app}'s API at {url} answered {resp.status_code}")
    return resp
