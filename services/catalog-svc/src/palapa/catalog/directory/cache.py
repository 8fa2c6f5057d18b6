"""What the directory keeps in memory between searches: the synonym groups and each word's typo check."""

from __future__ import annotations

import time

from palapa.kit.runtime import Runtime

from . import store, synonyms

SYNONYMS_TTL_SECONDS = 5.0  # another replica's edit is seen within this


class SynonymCache:
    """The synonym groups, read again from the database at most every few seconds (and after a local edit)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime, self.groups, self.at = runtime, [], float("-inf")

    async def get(self, session) -> list[synonyms.SynonymGroup]:
        if time.monotonic() - self.at > SYNONYMS_TTL_SECONDS:
            self.groups, self.at = await store.all_synonyms(session), time.monotonic()
        return self.groups

    def forget(self) -> None:
        self.at = float("-inf")


class CorrectionCache:
    """What each word was found to be (known, or the word its typo is corrected to), kept a minute: citizens
    repeat the same words, and the check is a database round trip of its own."""

    def __init__(self, size: int = 20_000, ttl: float = 60.0) -> None:
        self.size, self.ttl, self.known = size, ttl, {}

    async def get(self, session, candidates: list[str]) -> dict[str, str]:
        now = time.monotonic()
        fresh = {w: hit[0] for w in candidates if (hit := self.known.get(w)) and now - hit[1] < self.ttl}
        missing = [w for w in candidates if w not in fresh]
        if missing:
            found = await store.corrections(session, missing)
            if len(self.known) + len(missing) > self.size:
                self.known.clear()
            for w in missing:
                fresh[w] = found.get(w)
                self.known[w] = (fresh[w], now)
        return {w: c for w, c in fresh.items() if c}

    def forget(self) -> None:
        self.known.clear()
