"""Signing keys for tests: one key per test process, trusted for any app, so every service under test signs and
verifies as in production; and strict keys for the tests of verification itself."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from palapa.kit.signing import ANY_APP, SIGNATURE_HEADER, Signer, generate, load_private, private_jwk, public_jwk

_session: TestKeys | None = None


class TestKeys:
    """A private key (PALAPA_SIGNING_KEY_FILE) and a trust file trusting it for any app (SIGNING_TRUST_FILE; a key
    for any app is honoured in development only)."""

    __test__ = False  # not a test class

    def __init__(self, key_file: Path, trust: Path) -> None:
        self.key_file, self.trust_file = key_file, trust
        self.key = load_private(key_file.read_text())
        self.signer = Signer(self.key)

    @classmethod
    def new(cls, folder: Path) -> TestKeys:
        key = generate(f"testkit-{os.getpid()}")
        (folder / "testkit.jwk").write_text(private_jwk(key))
        return cls(folder / "testkit.jwk", trust_file(folder / "trust.json", [(ANY_APP, key)]))


def session_keys() -> TestKeys:
    """This test run's keys: those the environment names (pytest-xdist's workers inherit the controller's, so the
    services a worker runs and its EventProducer agree), else made on first use."""
    global _session
    if _session is None:
        key_file, trust = os.environ.get("PALAPA_SIGNING_KEY_FILE"), os.environ.get("SIGNING_TRUST_FILE")
        if key_file and trust:
            _session = TestKeys(Path(key_file), Path(trust))
        else:
            _session = TestKeys.new(Path(tempfile.mkdtemp(prefix="palapa-keys-")))
    return _session


def trust_file(path: Path, entries, *, retiring: dict[str, str] | None = None) -> Path:
    """Write a trust file of (app_id, key) entries (`retiring`: kid → retires_at ISO time); returns its path.
    Written whole and renamed into place, so a verifier never reads half of it."""
    retiring = retiring or {}
    doc = {"keys": [{"app_id": app, "kid": key.kid, "jwk": public_jwk(key),
                     "status": "retiring" if key.kid in retiring else "active", "retires_at": retiring.get(key.kid)}
                    for app, key in entries]}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc))
    tmp.replace(path)
    return path


def signed(key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Kafka header pairs with a `ce_signature` by this test process's key added (for tests producing records with
    a client of their own)."""
    text = {k: v.decode("utf-8", "replace") for k, v in headers}
    return [*headers, (SIGNATURE_HEADER, session_keys().signer.sign(key, value, text).encode())]
