"""The issuer's signing keys: discovered from `/.well-known/openid-configuration`, fetched from its JWKS, cached.

A token signed by a key the cache does not have (rotated keys, or a token without `kid` that no cached key
verifies) triggers one refetch, at most once per `min_refetch_s`, so a stream of forged tokens cannot make
the service hammer the provider. A failed fetch is a 503 with the reason, never a 500.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from .refusals import unavailable

log = logging.getLogger(__name__)

DISCOVERY = "/.well-known/openid-configuration"
UNREACHABLE = "Penyedia identitas tidak dapat dihubungi; silakan coba lagi sebentar lagi"


class Jwks:
    """The keys of one issuer; `keys()` fetches them on first use, `refresh()` after a miss (rate-limited)."""

    def __init__(
        self,
        issuer: str,
        *,
        min_refetch_s: float = 30.0,
        timeout_s: float = 5.0,
        client: httpx.AsyncClient | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.min_refetch_s = min_refetch_s
        self.timeout_s = timeout_s
        self._client = client
        self._monotonic = monotonic
        self._keys: KeySet | None = None
        self._jwks_uri: str | None = None
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0  # how often the JWKS was fetched (operators and tests read it)

    async def keys(self) -> KeySet:
        """The cached keys, fetched now if there are none yet."""
        if self._keys is None:
            async with self._lock:
                if self._keys is None:
                    if self._fetched_at is not None and self._monotonic() - self._fetched_at < self.min_refetch_s:
                        # the last attempt failed a moment ago: answer at once instead of asking again
                        raise unavailable("issuer_unreachable", UNREACHABLE)
                    await self._fetch()
        assert self._keys is not None
        return self._keys

    async def refresh(self) -> bool:
        """Fetch the keys again unless that happened less than `min_refetch_s` ago; True when it fetched."""
        async with self._lock:
            if self._fetched_at is not None and self._monotonic() - self._fetched_at < self.min_refetch_s:
                return False
            await self._fetch()
            return True

    async def _fetch(self) -> None:
        try:
            client = self._client or httpx.AsyncClient(timeout=self.timeout_s)
            try:
                if self._jwks_uri is None:
                    found = await _get_json(client, self.issuer + DISCOVERY)
                    uri = found.get("jwks_uri")
                    if not isinstance(uri, str):
                        raise ValueError("the discovery document names no jwks_uri")
                    self._jwks_uri = uri
                document = await _get_json(client, self._jwks_uri)
            finally:
                if self._client is None:
                    await client.aclose()
            keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (httpx.HTTPError, ValueError, JoseError, TypeError, KeyError) as exc:
            # a failed attempt counts for the rate limit too: a dead provider is asked once per interval
            self._fetched_at = self._monotonic()
            log.warning("cannot fetch the signing keys of %s: %s", self.issuer, exc)
            raise unavailable("issuer_unreachable", UNREACHABLE) from exc
        self._keys = keys
        self._fetched_at = self._monotonic()
        self.fetches += 1


async def _get_json(client: httpx.AsyncClient, url: str) -> dict:
    answer = await client.get(url)
    answer.raise_for_status()
    document = answer.json()
    if not isinstance(document, dict):
        raise ValueError(f"{url} did not answer a JSON object")
    return document
