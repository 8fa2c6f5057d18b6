"""Open311 GeoReport v2 at /open311/v2: the format chosen by the extension (services.json, requests/{id}.xml, ...)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import is_ticket
from palapa.kit.auth import MaybeStaff, Permission, Principal
from palapa.kit.capability import CaseKey, MaybeCitizen
from palapa.kit.runtime import Runtime
from palapa.kit.sealed import seal_identity

from ..cases import keys
from ..cases.access import KEY_MISSING, WRONG_KEY, staff_reads
from ..identity import Keys
from . import apikeys, store, submission
from .catalogue import SERVICE_BY_CODE, SERVICES
from .checks import MAX_RESULTS, Open311Error, check_request, split_format, statuses_of, window
from .replies import errors_body, listed_view, pending_view, request_view, service_definition, service_entry, to_xml

MAX_BODY = 64 * 1024
OPEN311_SOURCE = "/palapa/complaint-svc/open311"
MAX_IDS = 100


def _answer(fmt: str, root: str, body, status: int = 200, headers: dict | None = None) -> Response:
    if fmt == "xml":
        return Response(to_xml(root, body), status_code=status, media_type="text/xml; charset=utf-8",
                        headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


def _error(fmt: str, exc: Open311Error) -> Response:
    return _answer(fmt, "errors", errors_body(exc.status, exc.description), exc.status)


def _format_or_json(name: str) -> str:
    ext = name.rpartition(".")[2]
    return ext if ext in ("json", "xml") else "json"


def bearer_client(who: Principal) -> str:
    """The submission's `client` for a bearer token: `<client id>@<its OPD>`; a client of no OPD is refused."""
    if not who.opds:
        raise Open311Error(403, "Klien API ini tidak terdaftar pada OPD mana pun (grup /opd/<KODE>)")
    return f"{who.client_id or who.subject}@{','.join(sorted(who.opds))}"[:200]


def open311_router(runtime: Runtime, sealers: Keys | None = None, track_url: str = "") -> APIRouter:
    sealers = sealers or Keys.development()
    router = APIRouter(prefix="/open311/v2", tags=["open311"])

    @router.get("/services.{fmt}")
    async def services(fmt: str):
        """The kinds of complaint a client can file."""
        if fmt not in ("json", "xml"):
            return _error("json", Open311Error(404, "Format tidak dikenal: gunakan .json atau .xml"))
        return _answer(fmt, "services", [service_entry(s) for s in SERVICES])

    @router.get("/services/{name}")
    async def definition(name: str):
        """A service's definition with its attributes."""
        try:
            code, fmt = split_format(name)
            service = SERVICE_BY_CODE.get(code)
            if service is None:
                raise Open311Error(404, f"service_code {code[:64]!r} tidak dikenal")
        except Open311Error as exc:
            return _error(_format_or_json(name), exc)
        return _answer(fmt, "service_definition", service_definition(service))

    @router.get("/requests.{fmt}")
    async def requests(fmt: str, service_request_id: str | None = None, service_code: str | None = None,
                       start_date: str | None = None, end_date: str | None = None, status: str | None = None):
        """Requests, newest first: by id (overrides every other filter), or within 90 days, open or closed."""
        if fmt not in ("json", "xml"):
            return _error("json", Open311Error(404, "Format tidak dikenal: gunakan .json atau .xml"))
        try:
            async with runtime.sessions() as session:
                if service_request_id is not None:
                    ids = [i.strip() for i in service_request_id.split(",") if i.strip()]
                    if not ids or len(ids) > MAX_IDS or not all(is_ticket(i) for i in ids):
                        raise Open311Error(400, f"service_request_id: 1 sampai {MAX_IDS} nomor tiket dipisah koma")
                    rows = await store.by_tickets(session, ids)
                else:
                    lo, hi = window(start_date, end_date, datetime.now(UTC))
                    codes = None
                    if service_code is not None:
                        codes = [c.strip() for c in service_code.split(",") if c.strip()]
                        unknown = [c for c in codes if c not in SERVICE_BY_CODE]
                        if not codes or unknown:
                            raise Open311Error(400, f"service_code tidak dikenal: {', '.join(unknown)[:200]}")
                    rows = await store.listing(
                        session, lo=lo, hi=hi, statuses=statuses_of(status) if status is not None else None,
                        service_codes=codes, limit=MAX_RESULTS)
        except Open311Error as exc:
            return _error(fmt, exc)
        return _answer(fmt, "service_requests", [listed_view(r) for r in rows])

    @router.get("/requests/{name}")
    async def one_request(name: str, who: MaybeStaff, key: CaseKey, citizen: MaybeCitizen):
        """One request by its id, in full: for its capability's holder (X-Case-Key: the access_key the POST
        returned, or a read token for ticket + PIN), its signed-in owner, or staff who read cases. Readable at once
        after the POST (from the submission, before the case opens). Everyone else: 401/403, whether it exists or
        not (the list shows what is public)."""
        try:
            ticket, fmt = split_format(name)
            if not is_ticket(ticket):
                raise Open311Error(404, "service_request_id tidak dikenal")
            now = datetime.now(UTC)
            async with runtime.sessions() as session:
                rows = await store.by_tickets(session, [ticket])
                own_opd = who is not None and rows and who.may_for_opd(Permission.CASES_READ, rows[0].opd)
                if not (own_opd or (staff_reads(who) and not rows)):  # staff read their OPD's cases
                    if not key and citizen is None:
                        raise Open311Error(KEY_MISSING[0], KEY_MISSING[2])
                    if not await keys.may_read(session, ticket, key, citizen, now):
                        raise Open311Error(WRONG_KEY[0], WRONG_KEY[2])
                views = [request_view(rows[0])] if rows else []
                if not views and (filed := await store.submitted(session, ticket)) is not None:
                    views = [pending_view(filed)]
            if not views:
                raise Open311Error(404, f"Permintaan {ticket} tidak ditemukan")
        except Open311Error as exc:
            return _error(_format_or_json(name), exc)
        return _answer(fmt, "service_requests", views, headers={"Cache-Control": "no-store"})

    @router.get("/tokens/{name}")
    async def token(name: str):
        """The service_request_id a token stands for (present once the case is open)."""
        try:
            tok, fmt = split_format(name)
            if not (0 < len(tok) <= 64 and tok.isascii() and tok.isalnum()):
                raise Open311Error(404, "token tidak dikenal")
            async with runtime.sessions() as session:
                found = await store.ticket_of_token(session, tok)
            if found is None:
                raise Open311Error(404, "token tidak dikenal")
        except Open311Error as exc:
            return _error(_format_or_json(name), exc)
        ticket, opened = found
        return _answer(fmt, "service_requests", [{"token": tok, "service_request_id": ticket if opened else None}])

    @router.post("/requests.{fmt}")
    async def create(fmt: str, request: Request, who: MaybeStaff):
        """File a request (form-encoded), as an OPD's API client: GeoReport v2's api_key in the form, or a bearer
        token of the `opd-api-client` role (client credentials; the kit's guard refused any other token). The
        reporter's details are kept, never returned."""
        if fmt not in ("json", "xml"):
            return _error("json", Open311Error(404, "Format tidak dikenal: gunakan .json atau .xml"))
        try:
            form = await _form(request)
            if who is not None:
                client = bearer_client(who)
            else:
                async with runtime.sessions() as session:
                    client = await apikeys.client_of(session, (form.get("api_key") or [""])[0])
            if client is None:
                raise Open311Error(403, "api_key tidak ada atau tidak valid")
            req = check_request(form)
        except Open311Error as exc:
            return _error(fmt, exc)
        ticket, token, now = submission.new_ticket(), submission.new_token(), datetime.now(UTC)
        async with runtime.transaction() as tx:
            await store.add_submission(tx.session, ticket=ticket, token=token, channel="open311", client=client,
                                       req=req, at=now, contact_sealed=sealers.seal_row(
                                           ticket, submission.reporter(req, None)))
            receipt = await keys.issue(tx.session, ticket, now)
            link = submission.private_link(track_url, ticket, receipt.capability) if track_url else None
            event = submission.submitted(ticket, token, req, now, reporter_sealed=seal_identity(
                sealers.reporters, ticket, submission.reporter(req, link)))
            tx.publish(Envelope(event, source=OPEN311_SOURCE, subject=ticket))
            if who is not None:  # an api_key names a program, not an account: only a token's client is audited
                tx.audit(who, "open311.request.create", ("case", ticket),
                         after={"client": client, "service_code": req.service.code})
        return _answer(fmt, "service_requests", [{
            "service_request_id": ticket, "token": token,
            "service_notice": "Laporan diterima. Berikan kunci akses dan PIN kepada pelapor: hanya dengan salah "
                              "satunya laporan ini dapat dibaca (kunci di header X-Case-Key).",
            "account_id": None, "access_key": receipt.capability, "pin": receipt.pin,
        }], 201, headers={"Cache-Control": "no-store"})

    return router


async def _form(request: Request) -> dict[str, list[str]]:
    """The form as name → values (attribute[x][] may repeat); size and type checked before parsing."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise Open311Error(400, "Kirim formulir sebagai application/x-www-form-urlencoded")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise Open311Error(413, f"Permintaan terlalu besar (paling banyak {MAX_BODY // 1024} KB)")
    try:
        text = body.decode("utf-8")
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, max_num_fields=200, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise Open311Error(400, f"Formulir tidak terbaca: {str(exc)[:100]}") from None
