"""sim-mail: a real SMTP server (aiosmtpd) keeping what arrives, and an HTTP API and page listing it.

`GET /_sim/messages?to=` answers the messages to that address (newest last) as JSON; `GET /` shows them as a
page. The SMTP server takes any sender and recipient (no authentication, no TLS: a local stand-in, like Mailpit).
"""

from __future__ import annotations

import html
import itertools
import logging
import time
from collections import deque
from contextlib import asynccontextmanager
from email import policy
from email.parser import BytesParser
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse

from .settings import MailSimSettings

log = logging.getLogger(__name__)


class Mailbox:
    """The aiosmtpd handler: every accepted message, parsed, up to `keep` of them."""

    def __init__(self, keep: int) -> None:
        self.messages: deque[dict[str, Any]] = deque(maxlen=keep)
        self.ids = itertools.count(1)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd)
        raw = envelope.original_content or envelope.content or b""
        parsed = BytesParser(policy=policy.default).parsebytes(raw if isinstance(raw, bytes) else raw.encode())
        body = parsed.get_body(preferencelist=("plain", "html"))
        self.messages.append({
            "id": next(self.ids), "from": envelope.mail_from, "to": [r.lower() for r in envelope.rcpt_tos],
            "subject": str(parsed.get("Subject", "")), "message_id": str(parsed.get("Message-ID", "")),
            "text": body.get_content().replace("\r\n", "\n") if body is not None else "", "at": time.time(),
            "size": len(raw),
        })
        return "250 Message accepted for delivery"

    def to(self, address: str | None) -> list[dict[str, Any]]:
        wanted = address.strip().lower() if address else None
        return [m for m in self.messages if wanted is None or wanted in m["to"]]


def create_app(settings: MailSimSettings) -> FastAPI:
    mailbox = Mailbox(settings.keep_messages)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every sender and recipient at INFO

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import asyncio

        loop = asyncio.get_running_loop()

        def protocol() -> SMTP:
            return SMTP(mailbox, data_size_limit=settings.max_message_bytes, enable_SMTPUTF8=True,
                        hostname="sim-mail", ident="Palapa sim-mail")

        try:
            server = await loop.create_server(protocol, host=settings.smtp_host, port=settings.smtp_port)
        except OSError as exc:  # e.g. a second stack on this machine: keep serving, on another port, and say so
            server = await loop.create_server(protocol, host=settings.smtp_host, port=0)
            log.warning("SMTP port %d is taken (%s): listening on %d instead; GET /_sim/smtp says where",
                        settings.smtp_port, exc.strerror, server.sockets[0].getsockname()[1])
        app.state.smtp_port = server.sockets[0].getsockname()[1]
        log.info("SMTP on %s:%d", settings.smtp_host, app.state.smtp_port)
        yield
        server.close()
        await server.wait_closed()

    app = FastAPI(title="Mail (simulated SMTP server)", lifespan=lifespan)
    app.state.mailbox = mailbox

    @app.get("/healthz")
    @app.get("/readyz")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/_sim/smtp")
    async def smtp() -> dict[str, Any]:
        return {"host": settings.smtp_host, "port": app.state.smtp_port}

    @app.get("/_sim/messages")
    async def listing(to: str | None = Query(None, max_length=320), limit: int = Query(100, ge=1, le=1_000_000)):
        return {"messages": mailbox.to(to)[-limit:]}

    @app.get("/", response_class=HTMLResponse)
    async def page(to: str | None = Query(None, max_length=320)) -> str:
        rows = "".join(
            f"<tr><td>{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(m['at']))}</td>"
            f"<td>{html.escape(', '.join(m['to']))}</td><td>{html.escape(m['subject'])}</td>"
            f"<td><pre>{html.escape(m['text'][:2000])}</pre></td></tr>" for m in reversed(mailbox.to(to)[-200:]))
        return ("<!doctype html><html lang='id'><meta charset='utf-8'><title>Surel masuk (simulasi)</title>"
                "<h1>Surel yang diterima server SMTP simulasi</h1><table border='1'>"
                "<tr><th>Waktu</th><th>Kepada</th><th>Perihal</th><th>Isi</th></tr>" + rows + "</table></html>")

    return app
