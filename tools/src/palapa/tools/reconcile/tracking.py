"""Si Makel letters and PSC 119 incidents: each app's API ↔ tracking-svc's ticket ↔ notify-svc's latest revision.

What a record's code means comes from the app's own table in its legacy library (`palapa.simakel_legacy.codes`,
`palapa.psc119_legacy.codes`), the one its bridge decides with too: every record the app lists has a ticket or is
quarantined, the ticket's status and its timeline's last step are what the record's code means, every ticket has its
record, and notify-svc shows the ticket's last revision, status and timeline. A code the app would not know leaves
the ticket where it was (the bridge quarantines that version), so it is not compared.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from palapa.psc119_legacy.codes import shown_status
from palapa.simakel_legacy.codes import canonical_status
from palapa.simakel_legacy.xmlread import XmlRefusedError, parse_page

from .difference import Comparison

SIMAKEL, PSC119 = "si-makel", "psc-119"
PREFIX = {SIMAKEL: "SIMAKEL-", PSC119: "PSC119-"}
PAGE = 500
# what the platform's ticket shows for a record at a code (None: the app's code means nothing)
MEANING: dict[str, Callable[[str | None], str | None]] = {
    SIMAKEL: lambda code: (status := canonical_status(code)) and status.value,
    PSC119: shown_status,
}


class SourceUnreadableError(RuntimeError):
    """A legacy source could not be read; the message says which and why."""


def judge_status(ticket: str, code: str | None, have: dict, out: Comparison) -> None:
    """A ticket's status and its timeline's last step against what the app's code means (pure)."""
    app = out.app
    want = MEANING[app](code)
    if want is None:
        return  # the bridge quarantined this version; the ticket keeps the last status it could carry
    steps = have.get("timeline") or ()
    last = steps[-1].get("status") if steps else None
    if have["status"] != want:
        out.add(ticket, "mismatched", f"legacy code {code!r} means {want}, tracking-svc has {have['status']}")
    elif last != want:
        out.add(ticket, "mismatched", f"legacy code {code!r} means {want}, tracking-svc's timeline ends at {last}")


def judge(app: str, records: dict[str, str | None], tickets: dict[str, dict], views: dict[str, dict],
          quarantined: set[str] | None) -> Comparison:
    """The app's records (id → its status code) against tracking-svc's tickets and notify-svc's views (pure)."""
    out = Comparison(app, records=len(records))
    listed = {PREFIX[app] + i for i in records}
    for source_id, code in sorted(records.items()):
        ticket = PREFIX[app] + source_id
        if ticket not in tickets:
            if quarantined is not None and source_id not in quarantined:
                out.add(ticket, "lost", "the app lists it; tracking-svc has no ticket and the quarantine no row")
            continue
        have, view = tickets[ticket], views.get(ticket)
        if MEANING[app](code) is None and quarantined is not None and source_id not in quarantined:
            out.add(ticket, "lost", f"legacy code {code!r} means nothing to the platform and the quarantine has no row")
        judge_status(ticket, code, have, out)
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
    out.observed = tuple(sorted((t, v["revision"], v["status"]) for t, v in tickets.items()))
    return out


async def simakel_records(http: httpx.AsyncClient, url: str) -> dict[str, str | None]:
    """Every request Si Makel lists, id → its status code (GET /api/permohonan from the start, page by page, read
    as the bridge reads it: simakel_legacy.xmlread)."""
    records: dict[str, str | None] = {}
    page = 1
    while True:
        resp = await _get(http, f"{url}/api/permohonan", {"halaman": page, "per_halaman": PAGE}, SIMAKEL)
        try:
            data = parse_page(resp.content)
        except XmlRefusedError as exc:
            raise SourceUnreadableError(f"{SIMAKEL}: its page {page} is not readable ({exc})") from exc
        for row in data.rows:
            records[(row["id"] or "").strip()] = row["kode_status"]
        if not data.more:
            return records
        page += 1


async def psc119_records(http: httpx.AsyncClient, url: str) -> dict[str, str | None]:
    """Every incident PSC 119 lists, id → its status code (GET /api/v1/insiden from the start, following its
    tokens)."""
    records: dict[str, str | None] = {}
    after: str | None = None
    while True:
        params = {"per_halaman": PAGE, **({"setelah": after} if after else {})}
        body = (await _get(http, f"{url}/api/v1/insiden", params, PSC119)).json()
        for item in body.get("data", []):
            code = item.get("kode_status")
            records[str(item.get("id_insiden")).strip()] = None if code is None else str(code)
        if not body.get("ada_lagi"):
            return records
        after = body.get("berikutnya")


async def _get(http: httpx.AsyncClient, url: str, params: dict, app: str) -> httpx.Response:
    try:
        resp = await http.get(url, params=params)
    except httpx.HTTPError as exc:
        raise SourceUnreadableError(f"{app}'s API at {url} does not answer ({exc.__class__.__name__})") from exc
    if resp.status_code != 200:
        raise SourceUnreadableError(f"{app}'s API at {url} answered {resp.status_code}")
    return resp
