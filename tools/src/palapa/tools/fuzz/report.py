"""What a fuzz run counts, and the lines it prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .values import shorten

SHOWN_FAILURES = 8


@dataclass
class Failure:
    kind: str  # legacy / kafka / api
    what: str  # e.g. "5xx", "stalled canary", "4xx without reason"
    input: str  # shortened, masked
    detail: str = ""


@dataclass
class Tally:
    sent: Counter = field(default_factory=Counter)  # per kind
    refused_at_source: int = 0  # inputs the legacy database itself refused (e.g. NUL in PostgreSQL text)
    canaries: int = 0
    stalled: int = 0
    answers_4xx: int = 0
    answers_5xx: int = 0
    no_reason_4xx: int = 0
    cut_streams: int = 0
    quarantined: int = 0
    dead_lettered: int = 0
    sequences: int = 0  # adversarial sequences of valid events, each ending in a canary
    topics: dict[str, list[str]] = field(default_factory=dict)  # consumed topic → the services consuming it
    fuzzed: set[str] = field(default_factory=set)  # the consumed topics that got poison
    failures: list[Failure] = field(default_factory=list)

    def fail(self, kind: str, what: str, value: object, detail: str = "") -> None:
        self.failures.append(Failure(kind, what, shorten(value), shorten(detail, 160) if detail else ""))

    @property
    def ok(self) -> bool:
        """The issue's bar: no 5xx (a cut SSE stream is one), no stalled canary, every 4xx says why."""
        missed = set(self.topics) - self.fuzzed if self.sent["kafka"] else set()
        return not (self.answers_5xx or self.cut_streams or self.stalled or self.no_reason_4xx or missed)

    def lines(self) -> list[str]:
        sent = sum(self.sent.values())
        per_kind = ", ".join(f"{k} {n}" for k, n in sorted(self.sent.items()))
        out = [
            f"sent={sent} ({per_kind}) refused_by_legacy_db={self.refused_at_source}",
            f"quarantined={self.quarantined} dead-lettered={self.dead_lettered}",
            f"4xx={self.answers_4xx} 5xx={self.answers_5xx} 4xx_without_reason={self.no_reason_4xx} "
            f"cut_sse_streams={self.cut_streams}",
            f"canaries={self.canaries} stalled_canaries={self.stalled} sequences={self.sequences}",
        ]
        if self.topics:
            missed = sorted(set(self.topics) - self.fuzzed)
            out.append(f"kafka topics: {len(self.fuzzed & set(self.topics))} of {len(self.topics)} consumed topics "
                       f"fuzzed" + (f"; missed: {', '.join(missed)}" if missed else ""))
        if self.failures:
            shown = self.shown()
            out.append(f"first failures ({len(shown)} of {len(self.failures)}):")
            for f in shown:
                out.append(f"  [{f.kind}] {f.what}: {f.input}" + (f" -> {f.detail}" if f.detail else ""))
        out.append("fuzz: PASS" if self.ok else "fuzz: FAIL")
        return out

    def shown(self) -> list[Failure]:
        """Stalls and 5xx before missing reasons, and a few of each kind, so one kind cannot hide another."""
        ranked = sorted(self.failures, key=lambda f: "without" in f.what)  # stable: keeps the order within
        per_kind: Counter = Counter()
        out = []
        for f in ranked:
            if per_kind[f.kind] < SHOWN_FAILURES // 2 and len(out) < SHOWN_FAILURES * 2:
                per_kind[f.kind] += 1
                out.append(f)
        return out
