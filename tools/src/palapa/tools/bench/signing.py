"""What signing one event costs in the producer and verifying it in a consumer (one core, this process)."""

from __future__ import annotations

import time

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged
from palapa.kit.signing import SIGNATURE_HEADER, Signer, TrustedKey, Verifier, generate, public_jwk
from palapa.kit.signing.keys import load_public


def per_event_us(n: int = 2000) -> tuple[float, float]:
    """(µs to sign, µs to verify) one typical event (a complaint's status change, ~300 bytes of JSON)."""
    key = generate("bench-1")
    data = ComplaintStatusChanged(ticket="CURHAT-1", source_app="curhat-ning-ita", source_ref="1", status="verified",
                                  changed_at="2026-12-07T10:00:00+00:00", note="Sedang ditangani dinas terkait")
    k, value, headers = Envelope(data, source="/apps/curhat-ning-ita", subject="CURHAT-1").to_kafka()
    signer = Signer(key)
    start = time.perf_counter()
    for _ in range(n):
        token = signer.sign(k, value, headers)
    signed = time.perf_counter()
    verifier = Verifier([])
    verifier._keys = {key.kid: [TrustedKey("curhat-ning-ita", key.kid, load_public(public_jwk(key)))]}
    pairs = [*((name, v.encode()) for name, v in headers.items()), (SIGNATURE_HEADER, token.encode())]
    for _ in range(n):
        assert verifier.check(k, value, pairs).app == "curhat-ning-ita"
    verified = time.perf_counter()
    return (signed - start) / n * 1e6, (verified - signed) / n * 1e6
