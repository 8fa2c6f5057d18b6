"""What a comparison finds (pure): differences between a legacy app's truth and the platform's views, with reasons."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

#: lost: the platform has nothing for a legacy record (or for a step of it); duplicated: a move applied twice;
#: mismatched: the platform shows something the legacy record does not say
KINDS = ("lost", "duplicated", "mismatched")
EXAMPLES = 5


@dataclass(frozen=True)
class Difference:
    app: str
    key: str  # the ticket, or what names the legacy record (a NOP and year)
    kind: str
    reason: str

    def line(self) -> str:
        return f"{self.app} {self.key}: {self.kind}: {self.reason}"


@dataclass
class Comparison:
    """One app's comparison: how many legacy records were read, and every difference found."""

    app: str
    records: int = 0
    differences: list[Difference] = field(default_factory=list)
    skipped: str | None = None  # why the app could not be compared (its source is not readable)
    observed: tuple = ()  # what the views showed, to tell when the platform has gone quiet
    detail: str = ""  # what else the comparison saw (e.g. how many corrections the timelines record)

    def add(self, key: str, kind: str, reason: str) -> None:
        assert kind in KINDS, kind
        self.differences.append(Difference(self.app, key, kind, reason))

    def count(self, kind: str) -> int:
        return sum(1 for d in self.differences if d.kind == kind)

    def of(self, kind: str) -> list[Difference]:
        return [d for d in self.differences if d.kind == kind]

    def summary(self) -> str:
        if self.skipped:
            return f"{self.app}: not compared ({self.skipped})"
        counts = Counter(d.kind for d in self.differences)
        return (f"{self.app}: {self.records} legacy records, {len(self.differences)} differences"
                + (f" ({', '.join(f'{k} {counts[k]}' for k in KINDS if counts[k])})" if counts else "")
                + (f"; {self.detail}" if self.detail else ""))
