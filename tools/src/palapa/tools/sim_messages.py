"""What the simulated providers received, by notify-svc's message id: the count of lost and doubled messages that
`./palapa bench notify` and `./palapa chaos` print.

Each provider carries our message id: WhatsApp as `biz_opaque_callback_data` (the simulator lists it as
`reference`), the SMS gateway as `ref_id`, e-mail as the Message-ID `<id@domain>`. A message is lost when no
provider received its id, doubled when one received it more than once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import httpx

from palapa.localstack import free_port

#: the stack's process of each channel, and its listing's field that carries our message id
SIMULATORS = {"whatsapp": ("sim-whatsapp", "reference"), "sms": ("sim-sms", "ref_id"), "email": ("sim-mail",
                                                                                                 "message_id")}
CHANNELS = ("whatsapp",) * 6 + ("sms",) * 3 + ("email",)  # request n goes by CHANNELS[n % 10]
LISTED = 1_000_000  # the listings' upper limit: every message of a run


def messages_env(**notify: str) -> dict[str, dict[str, str]]:
    """Stack.extra_env for notify-svc and sim-mail on one free SMTP port (8125 may be another stack's), with quiet
    hours off (NOTIFY_QUIET_START_HOUR = END: a run at night would otherwise wait until 06:00), and `notify`'s
    further NOTIFY_* settings."""
    smtp = str(free_port())
    return {"notify-svc": {"NOTIFY_SMTP_PORT": smtp, "NOTIFY_QUIET_START_HOUR": "0", "NOTIFY_QUIET_END_HOUR": "0",
                           **notify},
            "sim-mail": {"SIM_MAIL_SMTP_PORT": smtp, "SIM_MAIL_KEEP_MESSAGES": "1000000"}}


def notification(n: int, recipients: int, label: str) -> tuple[str, dict]:
    """Request `n` of a run: (channel, the body of `POST /v2/notifications/{channel}`), to one of `recipients`
    citizens (ordinary numbers, outside the simulators' +628110000… test numbers: delivered)."""
    channel, k = CHANNELS[n % len(CHANNELS)], n % recipients
    to = {"email_address": f"warga{k}@contoh.id"} if channel == "email" else {"phone_number": f"+62812{k:07d}"}
    ticket = f"{label.upper()}-{n}"
    return channel, {"template_id": "complaint-received", "reference": f"{label}-{n}", **to,
                     "personalisation": {"ticket": ticket, "link": f"https://palapa.go.id/lacak#tiket={ticket}"}}


def answer_of(resp: httpx.Response) -> str:
    """The status of an answer, with the refusal's reason when it is not 201 (e.g. "429 cap_total")."""
    if resp.status_code == 201:
        return "201"
    try:
        return f"{resp.status_code} {resp.json().get('reason', '')}".strip()
    except ValueError:
        return str(resp.status_code)


def message_id_of(channel: str, listed: dict) -> str | None:
    """Our message id in one listed message, or None (a message some other sender sent)."""
    value = listed.get(SIMULATORS[channel][1])
    if not isinstance(value, str) or not value:
        return None
    return value.strip("<>").split("@", 1)[0] if channel == "email" else value


@dataclass
class Arrivals:
    """What each channel's simulator received: our message ids with how often, and when each first arrived."""

    counts: dict[str, Counter] = field(default_factory=dict)
    first_at: dict[str, float] = field(default_factory=dict)  # message id → Unix time of its first arrival

    def add(self, channel: str, listed: Iterable[dict]) -> None:
        counted = self.counts.setdefault(channel, Counter())
        for message in listed:
            message_id = message_id_of(channel, message)
            if message_id is None:
                continue
            counted[message_id] += 1
            at = float(message.get("at") or 0)
            self.first_at[message_id] = min(self.first_at.get(message_id, at), at)

    def received(self, channel: str) -> int:
        return len(self.counts.get(channel, ()))


async def arrivals(http: httpx.AsyncClient, urls: Mapping[str, str]) -> Arrivals:
    """Every message the simulators of `urls` (process name → base URL) hold."""
    found = Arrivals()
    for channel, (process, _) in SIMULATORS.items():
        if process in urls:
            resp = await http.get(f"{urls[process]}/_sim/messages", params={"limit": LISTED}, timeout=120)
            resp.raise_for_status()
            found.add(channel, resp.json()["messages"])
    return found


@dataclass(frozen=True)
class Tally:
    """Requested against received, per channel: lost (never received) and doubled (received more than once)."""

    requested: dict[str, int]
    received: dict[str, int]
    lost: dict[str, list[str]]
    doubled: dict[str, dict[str, int]]

    @property
    def ok(self) -> bool:
        return not any(self.lost.values()) and not any(self.doubled.values())

    def lines(self) -> list[str]:
        out = []
        for channel in self.requested:
            lost, doubled = self.lost[channel], self.doubled[channel]
            out.append(f"{channel}: requested={self.requested[channel]} received={self.received[channel]} "
                       f"lost={len(lost)} doubled={len(doubled)}"
                       + (f" (lost e.g. {lost[:3]})" if lost else "")
                       + (f" (doubled e.g. {dict(list(doubled.items())[:3])})" if doubled else ""))
        return out


def tally(requested: Mapping[str, Iterable[str]], found: Arrivals) -> Tally:
    """Count each channel's requested message ids against what its simulator received."""
    wanted = {channel: set(ids) for channel, ids in requested.items()}
    counts = {channel: found.counts.get(channel, Counter()) for channel in wanted}
    return Tally(
        requested={c: len(ids) for c, ids in wanted.items()},
        received={c: sum(1 for i in ids if counts[c][i]) for c, ids in wanted.items()},
        lost={c: sorted(i for i in ids if not counts[c][i]) for c, ids in wanted.items()},
        doubled={c: {i: counts[c][i] for i in ids if counts[c][i] > 1} for c, ids in wanted.items()},
    )
