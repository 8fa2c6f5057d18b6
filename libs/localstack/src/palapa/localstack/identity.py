"""A real OpenID Connect provider for local runs and tests: `oidc-provider-mock` (PyPI) as a child process.

What that package (0.3.x, the last for Python 3.11) does, read from its source:
- discovery, JWKS, the authorization endpoint (a form: POST `sub=<user>` to sign in), the token endpoint,
  userinfo, dynamic client registration, `PUT /users/<sub>` to set a user's claims at run time;
- grants: `authorization_code` and `refresh_token` only: NO client credentials; PKCE parameters are accepted
  but NOT verified (no code-challenge extension is registered);
- access tokens are opaque strings; the ID token is a JWT signed RS256 by one RSA key made at start (its JWKS
  names a `kid`, the token header does not), `aud` = the client id, user claims merged in (custom ones always);
- keys rotate only by a restart: a new process has a new key (on the same port, the same issuer).
So Palapa's local bearer token is the ID token, and a client signs in through the code flow as its service
account user (palapa.testkit.identity does both).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from .ports import free_port
from .process import terminate
from .staff import STAFF


class IdentityProviderStartError(RuntimeError):
    """The local identity provider did not answer its discovery document in time; the message says why."""


class LocalIdentityProvider:
    """One oidc-provider-mock process on 127.0.0.1; `with LocalIdentityProvider() as idp: idp.issuer`."""

    def __init__(
        self,
        port: int | None = None,
        *,
        users: Iterable[dict] | None = None,
        token_max_age_s: int = 3600,
        log_path: Path | None = None,
        start_timeout_s: float = 60,
    ) -> None:
        self.port = port or free_port()
        self.users = list(STAFF.values() if users is None else users)
        self.token_max_age_s = token_max_age_s
        self.log_path = log_path
        self.start_timeout_s = start_timeout_s  # importing Flask and Authlib takes seconds on a busy machine
        self.proc: subprocess.Popen | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        seeded = [arg for user in self.users for arg in ("--user-claims", json.dumps(user))]
        return [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(self.port),
                "--token-max-age", str(self.token_max_age_s), *seeded]

    def start(self) -> str:
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            self._wait_discovery()
        except IdentityProviderStartError:
            self.stop()
            raise
        return self.issuer

    def _wait_discovery(self) -> None:
        url = self.issuer + "/.well-known/openid-configuration"
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise IdentityProviderStartError(f"oidc-provider-mock exited with code {self.proc.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=1) as answer:
                    if json.load(answer).get("issuer") == self.issuer:
                        return
            except (OSError, urllib.error.URLError, ValueError):
                pass
            time.sleep(0.1)
        raise IdentityProviderStartError(f"{url} did not answer within {self.start_timeout_s}s")

    def stop(self) -> None:
        terminate(self.proc, grace_s=5)

    def __enter__(self) -> LocalIdentityProvider:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
