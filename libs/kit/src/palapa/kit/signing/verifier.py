"""Verifies each record's signature before its effect: who produced it, or why it is refused.

The trusted keys come from one or more sources (catalog-svc's key set, a trust file) and are cached. A kid not
in the cache makes the verifier load the sources again, at most once per `min_refresh_s` (a flood of forged
kids cannot make it hammer catalog-svc: such a batch waits for the next allowed refresh). When a source cannot be
loaded and a kid is still unknown, that is a temporary failure (KeysUnavailableError: the batch is retried),
never a dead letter. The cache is also reloaded every `max_age_s`, so retirements reach every consumer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from .canonical import SIGNATURE_HEADER, app_of, header_map
from .keys import ANY_APP, TrustedKey
from .seal import SignatureError, read, verify
from .trust import KeysUnavailableError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """The app a record was verified to come from, or why it is refused (exactly one is set)."""

    app: str | None = None
    reason: str | None = None


class Verifier:
    """Checks records against the trusted keys of their `ce_source`'s app."""

    def __init__(self, sources: Sequence, *, min_refresh_s: float = 5.0, max_age_s: float = 60.0,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.sources, self.min_refresh_s, self.max_age_s, self.now = list(sources), min_refresh_s, max_age_s, now
        self._by_source: dict[int, list[TrustedKey]] = {}
        self._keys: dict[str, list[TrustedKey]] = {}
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()

    async def ensure(self, records: Iterable) -> None:
        """Make sure every kid the records name is known if it can be (call before `check`, outside any
        transaction); raises KeysUnavailableError when a source is away and a kid is still unknown."""
        kids = {k for r in records if (k := _kid(r.headers)) is not None}
        async with self._lock:
            unknown = kids - self._keys.keys()
            stale = self._loaded_at is None or time.monotonic() - self._loaded_at >= self.max_age_s
            if not unknown and not stale:
                return
            if unknown and self._loaded_at is not None:
                wait = self.min_refresh_s - (time.monotonic() - self._loaded_at)
                if wait > 0:
                    await asyncio.sleep(wait)
            failed = await self._reload()
            if failed and kids - self._keys.keys():
                raise KeysUnavailableError(f"signing keys unavailable ({'; '.join(failed)}); "
                                           f"unknown kid(s) {', '.join(sorted(kids - self._keys.keys()))}")

    async def _reload(self) -> list[str]:
        failed = []
        for n, source in enumerate(self.sources):
            try:
                keys = await source.load()
            except Exception as exc:  # away or broken: keep what it gave before, and say so
                failed.append(f"{source!r}: {exc}")
                log.warning("cannot load signing keys from %r: %s", source, exc)
                continue
            if keys is not None:
                self._by_source[n] = keys
        # a kid is judged by the first source that lists it: the key service's word (a retirement) outranks a
        # bootstrap trust file's
        merged: dict[str, list[TrustedKey]] = {}
        for n in sorted(self._by_source):
            mine: dict[str, list[TrustedKey]] = {}
            for key in self._by_source[n]:
                mine.setdefault(key.kid, []).append(key)
            for kid, entries in mine.items():
                merged.setdefault(kid, entries)
        self._keys, self._loaded_at = merged, time.monotonic()
        return failed

    def check(self, key: bytes | None, value: bytes | None, headers) -> Verdict:
        """Verify one record (after `ensure`): the app it was signed for, or the reason to refuse it."""
        h = header_map(headers)
        token = h.get(SIGNATURE_HEADER)
        if not token:
            return Verdict(reason=f"unsigned event: no {SIGNATURE_HEADER} header")
        try:
            sealed = read(token)
        except SignatureError as exc:
            return Verdict(reason=str(exc))
        source = h.get("ce_source", "")
        app = app_of(source)
        if app is None:
            return Verdict(reason=f"ce_source {source[:200]!r} names no app, so no key can vouch for it")
        entries = self._keys.get(sealed.kid)
        if not entries:
            return Verdict(reason=f"signed with key {sealed.kid!r}, which is not registered")
        mine = [e for e in entries if e.app_id in (app, ANY_APP)]
        if not mine:
            apps = ", ".join(sorted({e.app_id for e in entries}))
            return Verdict(reason=f"key {sealed.kid!r} is registered for {apps}, not for {app} (ce_source {source!r})")
        now = self.now()
        valid = [e for e in mine if e.valid_at(now)]
        if not valid:
            return Verdict(reason=f"key {sealed.kid!r} of {app} is retired")
        if not any(verify(sealed, e.key, key, value, h) for e in valid):
            return Verdict(reason=f"signature does not verify with key {sealed.kid!r}: the event was altered or "
                                  "is forged")
        return Verdict(app=app)


def _kid(headers) -> str | None:
    token = header_map(headers).get(SIGNATURE_HEADER)
    if not token:
        return None
    try:
        return read(token).kid
    except SignatureError:
        return None
