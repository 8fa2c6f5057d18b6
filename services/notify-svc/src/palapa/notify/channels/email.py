"""E-mail over SMTP (sim-mail's aiosmtpd locally; the city's relay in production), with the standard library.

smtplib runs in a worker thread: one connection per message keeps it simple and is enough for the e-mail share
of the traffic. Our message id becomes the Message-ID, so a receiver can tell a resend. SMTP has no delivery
callbacks: a 2xx means the relay took the message (status "sent").
"""

from __future__ import annotations

import asyncio
import re
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage

from .base import Accepted, Callback, CallbackRefusedError, Outgoing, PermanentFailure, TemporaryFailure
from .guard import safe_reason

ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
MESSAGE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class EmailChannel:
    name = "email"

    def __init__(self, *, host: str, port: int, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout_s: float = 10,
                 domain: str = "palapa.go.id") -> None:
        self.host, self.port, self.sender, self.domain = host, port, sender, domain
        self.username, self.password, self.starttls, self.timeout_s = username, password, starttls, timeout_s

    def compose(self, message: Outgoing) -> EmailMessage:
        """The e-mail for `message`; PermanentFailure for an odd address or a header with a line break."""
        if len(message.to) > 254 or not ADDRESS.match(message.to):
            raise PermanentFailure("email: the recipient is not a plain e-mail address")
        if not MESSAGE_ID.match(message.message_id):
            raise PermanentFailure("email: the message id cannot be a Message-ID")
        mail = EmailMessage()
        try:
            mail["From"] = self.sender
            mail["To"] = message.to
            mail["Subject"] = message.subject or "Palapa"
            mail["Message-ID"] = f"<{message.message_id}@{self.domain}>"
        except ValueError as exc:  # the policy refuses CR/LF in a header: no header injection
            raise PermanentFailure("email: a header would contain a line break") from exc
        mail.set_content(message.body)
        return mail

    async def send(self, message: Outgoing) -> Accepted:
        mail = self.compose(message)
        delivery = asyncio.ensure_future(asyncio.to_thread(self._deliver, mail))
        try:
            await asyncio.shield(delivery)
        except asyncio.CancelledError:
            # a thread cannot be stopped: the relay may still take the mail. Its answer (smtplib's own timeouts bound
            # the wait) is the outcome, so a timeout above us (the dispatcher's) never leads to a second copy
            await asyncio.wait([delivery])
            delivery.result()
        return Accepted(str(mail["Message-ID"]))

    def _deliver(self, mail: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username and self.password:
                    smtp.login(self.username, self.password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code = min((c for c, _ in exc.recipients.values()), default=550)
            raise _by_code(code, "the relay refused the recipient") from exc
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, safe_reason(exc.smtp_error.decode(errors="replace"), 120)) from exc
        except (smtplib.SMTPException, OSError) as exc:  # refused connection, timeout, disconnect
            raise TemporaryFailure(f"email: {type(exc).__name__}") from exc

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> Callback:
        raise CallbackRefusedError("e-mail has no delivery callbacks")


def _by_code(code: int, what: str) -> PermanentFailure | TemporaryFailure:
    reason = f"email {code}: {what}"
    return PermanentFailure(reason) if code >= 500 else TemporaryFailure(reason)
