"""Pure decisions about dead letters: whether one may be re-driven, what goes back on the topic, its fingerprint."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

#: headers a re-driven record does not carry over: the re-drive's own trace replaces the original's
TRACE_HEADERS = frozenset({"traceparent", "tracestate"})


class State(StrEnum):
    WAITING = "waiting"
    REDRIVEN = "redriven"  # back on its topic: every consumer group reading it gets it again
    REDELIVERED = "redelivered"  # straight to the consumer that refused it, and applied (or found applied) there
    DISCARDED = "discarded"


class Target(StrEnum):
    """Where a re-drive sends a dead letter."""

    TOPIC = "topic"
    CONSUMER = "consumer"


#: what a re-drive to each target leaves a letter in
REDRIVEN_TO = {Target.TOPIC: State.REDRIVEN, Target.CONSUMER: State.REDELIVERED}


@dataclass(frozen=True)
class Verdict:
    """What a request does to a dead letter: `act` (change it now), or nothing, with the refusal if any."""

    act: bool
    refusal: str | None = None  # a stable reason code when the request is refused (409)
    detail: str | None = None  # in Bahasa Indonesia, for the operator


def is_whole(value: str, value_size: int | None, truncated: bool) -> bool:
    """The text the announcement carried is the original value, byte for byte (not cut, valid UTF-8)."""
    return not truncated and value_size is not None and len(value.encode("utf-8")) == value_size


def redrive(state: State, whole: bool, topic_known: bool = True, consumer_known: bool = True) -> Verdict:
    """Re-drive once, to either target: a second request changes nothing (idempotent); a discarded or partial
    letter, one from a topic the platform does not declare, or (straight to the consumer) one whose consumer ops-svc
    cannot reach, is refused."""
    if state in (State.REDRIVEN, State.REDELIVERED):
        return Verdict(False)
    if state is State.DISCARDED:
        return Verdict(False, "discarded", "Dead letter ini sudah dibuang; tidak dapat dikirim ulang")
    if not topic_known:
        return Verdict(False, "unknown_topic", "Topic asalnya tidak terdaftar di platform; tidak dikirim ulang")
    if not whole:
        return Verdict(False, "not_whole", "Isi asli tidak tersimpan utuh (terpotong atau bukan UTF-8); "
                                           "kirim ulang dari tabel dead_letters layanan penerimanya")
    if not consumer_known:
        return Verdict(False, "unknown_consumer", "Alamat consumer ini tidak dikenal ops-svc (OPS_CONSUMERS_URLS); "
                                                  "kirim ulang ke topic-nya")
    return Verdict(True)


def redelivered(outcome: str, reason: str | None) -> Verdict:
    """The consumer's answer to a re-drive straight to it: applied now or already (its inbox), or refused again."""
    if outcome in ("done", "duplicate"):
        return Verdict(True)
    return Verdict(False, "refused_again", f"Consumer masih menolaknya: {reason or outcome}")


def discard(state: State) -> Verdict:
    """Discard once: a second request changes nothing; a re-driven letter went back already and stays so."""
    if state is State.DISCARDED:
        return Verdict(False)
    if state in (State.REDRIVEN, State.REDELIVERED):
        return Verdict(False, "redriven", "Dead letter ini sudah dikirim ulang; tidak dapat dibuang")
    return Verdict(True)


def redrive_headers(headers: dict[str, str]) -> dict[str, str]:
    """The original headers to send again: the CloudEvents attributes and the producer's signature as they were."""
    return {k: v for k, v in headers.items() if k not in TRACE_HEADERS}


def fingerprint(consumer: str, topic: str, partition: int, offset: int, value: str) -> str:
    """One record refused by one consumer: the same announcement twice is stored once."""
    digest = hashlib.sha256()
    for part in (consumer, topic, str(partition), str(offset), value):
        digest.update(part.encode("utf-8", "replace") + b"\x00")
    return digest.hexdigest()


HOUR = timedelta(hours=1)


def hours_back(until: datetime, hours: int) -> list[datetime]:
    """The starts of the `hours` whole hours up to and including the one `until` falls in, oldest first."""
    last = until.replace(minute=0, second=0, microsecond=0)
    return [last - HOUR * (hours - 1 - i) for i in range(hours)]


def hourly(counts: dict[datetime, int], until: datetime, hours: int) -> list[tuple[datetime, int]]:
    """Every hour of the window with its count (an hour with none is 0), oldest first."""
    return [(start, counts.get(start, 0)) for start in hours_back(until, hours)]
