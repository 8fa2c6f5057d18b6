"""Signed events: every producer signs what it sends, every consumer verifies it before the effect.

A record's signature is a JWS with a detached payload (RFC 7515 Appendix F) over its canonical form
(`canonical.py`), in the `ce_signature` header; keys are Ed25519 JWKs, registered per app in catalog-svc
(`GET /signing-keys`). See docs/access.md, "Signed events".
"""

from .canonical import SIGNATURE_HEADER, app_of, canonical
from .keys import ANY_APP, SigningKeyError, TrustedKey, generate, load_private, parse_key_set, private_jwk, public_jwk
from .seal import Signer
from .setup import signer_from, verifier_from
from .trust import KeyService, KeysUnavailableError, TrustFile
from .verifier import Verdict, Verifier

__all__ = [
    "ANY_APP", "KeyService", "KeysUnavailableError", "SIGNATURE_HEADER", "Signer", "SigningKeyError", "TrustFile",
    "TrustedKey", "Verdict", "Verifier", "app_of", "canonical", "generate", "load_private", "parse_key_set",
    "private_jwk", "public_jwk", "signer_from", "verifier_from",
]
