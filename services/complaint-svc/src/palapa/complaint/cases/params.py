"""Pure parsers of the case listing's query parameters, and its page tokens (the public `cursor` parameter)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from typing import NamedTuple

from palapa.contracts.events import TICKET_MAX_LENGTH, CaseStatus

from ..lifecycle import domain

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
OPD_CODE = re.compile(r"[A-Z0-9_-]{2,64}")
#: Our tokens are ~100 characters; anything much longer is not one of ours (and is not decoded at all).
PAGE_TOKEN_MAX_LENGTH = 512


class BadParamError(ValueError):
    """A query parameter the listing cannot use: `reason` for programs, `detail` in Bahasa Indonesia."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


class Filters(NamedTuple):
    opd: str | None
    status: CaseStatus | None
    limit: int
    overdue: bool | None


class PageToken(NamedTuple):
    """Where the next page starts: after this case in (submitted_at, ticket) descending order, or, for the staff
    queue (`by_deadline`), in (due_at, ticket) ascending order."""

    at: datetime
    ticket: str
    by_deadline: bool = False


def encode_page_token(case: domain.Case, by_deadline: bool = False) -> str:
    """The opaque token that names the last case of a page (of the deadline order when `by_deadline`)."""
    fields = {"at": case.due_at.isoformat(), "t": case.ticket, "o": "d"} if by_deadline else {
        "at": case.submitted_at.isoformat(), "t": case.ticket}
    raw = json.dumps(fields).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_token(token: str) -> PageToken:
    """The keyset position a token names; BadParamError when it is not one of ours."""
    try:
        if len(token) > PAGE_TOKEN_MAX_LENGTH or not token.isascii():
            raise ValueError("not a page token")
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        at, ticket, order = datetime.fromisoformat(raw["at"]), raw["t"], raw.get("o")
        if at.tzinfo is None or not _storable_ticket(ticket) or order not in (None, "d"):
            raise ValueError("not a page token")
        # in UTC now, so a date at the ends of the calendar is refused here, not by the database driver
        return PageToken(at.astimezone(UTC), ticket, order == "d")
    except (ValueError, KeyError, TypeError, OverflowError, binascii.Error) as exc:
        raise BadParamError("invalid_cursor", "Cursor halaman tidak dikenali") from exc


def _storable_ticket(ticket: object) -> bool:
    # printable rules out NUL and lone surrogates, which PostgreSQL or its driver would refuse
    return isinstance(ticket, str) and 0 < len(ticket) <= TICKET_MAX_LENGTH and ticket.isprintable()


def parse_filters(opd: str | None, status: str | None, limit: str | None, overdue: str | None) -> Filters:
    """Validated listing parameters; BadParamError names the first bad one."""
    if opd is not None:
        # ASCII before upper(): 'ﬀ'.upper() is 'FF'
        opd = opd.strip().upper() if opd.isascii() else ""
        if not OPD_CODE.fullmatch(opd):
            raise BadParamError("invalid_opd", "Kode OPD tidak valid")
    parsed_status = None
    if status is not None:
        try:
            parsed_status = CaseStatus(status.strip().lower())
        except ValueError as exc:
            allowed = ", ".join(s.value for s in CaseStatus)
            raise BadParamError("invalid_status", f"Status tidak dikenal; pilih salah satu: {allowed}") from exc
    return Filters(opd, parsed_status, _limit(limit), _flag(overdue))


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    text = raw.strip()
    # ASCII digits only: str.isdigit() also accepts '²' or '٣', which int() then refuses or reads
    if not (text.isascii() and text.isdigit() and len(text) <= 3 and 1 <= int(text) <= MAX_LIMIT):
        raise BadParamError("invalid_limit", f"limit harus bilangan 1 sampai {MAX_LIMIT}")
    return int(text)


def _flag(raw: str | None, name: str = "overdue") -> bool | None:
    if raw is None:
        return None
    if raw.lower() not in ("true", "1", "false", "0"):
        raise BadParamError(f"invalid_{name}", f"{name} harus true atau false")
    return raw.lower() in ("true", "1")


class QueueParams(NamedTuple):
    """The staff queue's extra parameters: a category, a kelurahan (both exact, any case), the order."""

    category: str | None
    kelurahan: str | None
    by_deadline: bool
    mine: bool = False  # only the cases the caller acted on (the audit log names them)


def parse_queue(category: str | None, kelurahan: str | None, order: str | None,
                mine: str | None = None) -> QueueParams:
    """Validated; an empty value means no filter. BadParamError names the first bad one."""
    if order not in (None, "", "newest", "deadline"):
        raise BadParamError("invalid_order", "order harus newest atau deadline")
    return QueueParams(_name(category, "category", "Kategori"), _name(kelurahan, "kelurahan", "Kelurahan"),
                       order == "deadline", _flag(mine, "mine") is True)


def _name(raw: str | None, field: str, label: str) -> str | None:
    text = " ".join((raw or "").split())
    if not text:
        return None
    if len(text) > 100 or not text.isprintable():
        raise BadParamError(f"invalid_{field}", f"{label} tidak valid (paling panjang 100 karakter)")
    return text
