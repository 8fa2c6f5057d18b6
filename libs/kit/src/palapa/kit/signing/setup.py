"""A process's signer and verifier, built from its settings."""

from __future__ import annotations

import logging

from ..settings import ServiceSettings
from .keys import SigningKeyError, load_private
from .seal import Signer
from .trust import KeyService, TrustFile
from .verifier import Verifier

log = logging.getLogger(__name__)


def signer_from(settings: ServiceSettings, name: str) -> Signer | None:
    """The process's signer: its own key (<PREFIX>SIGNING_KEY or _FILE), else PALAPA_SIGNING_KEY_FILE; None
    when there is none (development only: production refuses to start without one), and then what it sends is
    unsigned and every consumer dead-letters it."""
    if settings.signing_key is not None:
        text, where = settings.signing_key.get_secret_value(), "<PREFIX>SIGNING_KEY"
    else:
        path = settings.signing_key_file or settings.default_signing_key_file
        if path is None and settings.environment == "production":
            raise SigningKeyError(f"{name}: <PREFIX>SIGNING_KEY_FILE (or _SIGNING_KEY) must hold its signing key "
                                  "when PALAPA_ENV=production")
        if settings.environment == "production" and path == settings.default_signing_key_file:
            raise SigningKeyError(f"{name}: PALAPA_SIGNING_KEY_FILE is for tests: production names each "
                                  "process's own key (<PREFIX>SIGNING_KEY_FILE)")
        if path is None:
            log.warning("%s has no signing key: the events it sends are unsigned and will be dead-lettered", name)
            return None
        try:
            text, where = path.read_text(), str(path)
        except OSError as exc:
            raise SigningKeyError(f"{name}: cannot read its signing key {path}: {exc}") from exc
    try:
        return Signer(load_private(text))
    except SigningKeyError as exc:
        raise SigningKeyError(f"{name}: signing key from {where}: {exc}") from exc


def verifier_from(settings: ServiceSettings) -> Verifier | None:
    """The consumers' verifier (None only with SIGNING_VERIFY=false, which production refuses)."""
    if not settings.signing_verify:
        return None
    if settings.environment == "production" and not (settings.signing_keys_url or settings.signing_trust_file):
        raise SigningKeyError("consumers verify signed events when PALAPA_ENV=production: set SIGNING_KEYS_URL "
                              "(or SIGNING_TRUST_FILE)")
    sources: list = []
    if settings.signing_keys_url:
        sources.append(KeyService(settings.signing_keys_url))
    if settings.signing_trust_file:
        # a key for any app ('*') is the testkit's shortcut: never trusted in production
        sources.append(TrustFile(settings.signing_trust_file, allow_any_app=settings.environment == "development"))
    return Verifier(sources)
