"""A citizens' token issuer as services see gate-svc's: a discovery document and a JWKS over HTTP, and tokens of
the gate's shape signed with its Ed25519 key (a service's own tests; gate-svc itself is tested in tests/e2e)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwt

from palapa.kit.signing import generate, public_jwk

AUDIENCE = "palapa-citizen"


class CitizenIssuer:
    """Serves `/.well-known/openid-configuration` and `/.well-known/jwks.json` on a free port until `close()`."""

    def __init__(self) -> None:
        self.key = generate("test-gate-citizen")
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                doc = ({"issuer": issuer.url, "jwks_uri": issuer.url + "/.well-known/jwks.json"}
                       if self.path.endswith("openid-configuration") else {"keys": [public_jwk(issuer.key)]})
                body = json.dumps(doc).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def headers(self, sub: str, key=None, **claims) -> dict[str, str]:
        """X-Citizen-Token for `sub` (5 minutes), signed by `key` (another one: a forgery); `claims` override."""
        now = int(time.time())
        body = {"iss": self.url, "aud": AUDIENCE, "sub": sub, "iat": now, "exp": now + 300, **claims}
        key = key or self.key
        return {"X-Citizen-Token": jwt.encode({"alg": "Ed25519", "kid": key.kid}, body, key, algorithms=["Ed25519"])}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
