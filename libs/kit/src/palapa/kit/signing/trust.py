"""Where trusted keys come from: a static file (tests, bootstrapping) or catalog-svc's key set over HTTP."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx

from .keys import SigningKeyError, TrustedKey, parse_key_set


class KeysUnavailableError(ConnectionError):
    """The key set cannot be fetched now (a ConnectionError: the kit retries, never dead-letters, for it)."""


class TrustFile:
    """A key set file of the `GET /signing-keys` shape, read again whenever it changes (rotation in place)."""

    def __init__(self, path: Path, *, allow_any_app: bool = False) -> None:
        self.path, self.allow_any_app = Path(path), allow_any_app
        self._seen: tuple[int, int] | None = None

    def __repr__(self) -> str:
        return f"trust file {self.path}"

    async def load(self) -> list[TrustedKey] | None:
        """The keys, or None when the file is unchanged since the last load."""
        try:
            stat = os.stat(self.path)
            if (stat.st_mtime_ns, stat.st_size) == self._seen:
                return None
            keys = parse_key_set(json.loads(self.path.read_bytes()), allow_any_app=self.allow_any_app)
        except FileNotFoundError as exc:
            raise KeysUnavailableError(f"{self.path} does not exist") from exc
        except (OSError, ValueError) as exc:  # json errors and SigningKeyError are ValueErrors
            raise SigningKeyError(f"{self.path}: {exc}") from exc
        self._seen = (stat.st_mtime_ns, stat.st_size)
        return keys


class KeyService:
    """catalog-svc's public key set (`SIGNING_KEYS_URL`, e.g. http://127.0.0.1:8102/signing-keys)."""

    def __init__(self, url: str, *, timeout_s: float = 5.0) -> None:
        self.url, self.timeout_s = url, timeout_s

    def __repr__(self) -> str:
        return f"key service {self.url}"

    async def load(self) -> list[TrustedKey]:
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s) as http:
                response = await http.get(self.url)
        except httpx.HTTPError as exc:
            raise KeysUnavailableError(f"{self.url} unreachable: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise KeysUnavailableError(f"{self.url} answered {response.status_code}")
        if response.status_code != 200:
            raise SigningKeyError(f"{self.url} answered {response.status_code}")
        try:
            return parse_key_set(response.json())
        except ValueError as exc:
            raise SigningKeyError(f"{self.url}: {exc}") from exc
