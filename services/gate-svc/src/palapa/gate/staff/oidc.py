"""The staff sign-in at the city's identity provider: Authorization Code + PKCE (thin adapter).

The endpoints come from the issuer's discovery document; the ID token is checked by the kit's TokenValidator
(signature from JWKS, iss, aud, exp, nbf), then its nonce against the one this sign-in sent. oidc-provider-mock
accepts PKCE without verifying it; Keycloak verifies it: it is always sent.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx

from palapa.kit.auth import AuthError, Principal, TokenValidator

from .sessions import Pending


class SignInFailed(RuntimeError):
    """The provider did not complete the sign-in usably; the message (for the log) says why."""


class Provider:
    def __init__(self, issuer: str, client_id: str, client_secret: str, validator: TokenValidator,
                 http: httpx.AsyncClient) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.validator = validator
        self.http = http
        self._discovery: dict | None = None

    async def discovery(self) -> dict:
        if self._discovery is None:
            try:
                answer = await self.http.get(self.issuer + "/.well-known/openid-configuration")
                found = answer.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise SignInFailed(f"discovery: {type(exc).__name__}") from exc
            if answer.status_code != 200 or not isinstance(found, dict) or found.get("issuer") != self.issuer:
                raise SignInFailed(f"discovery: HTTP {answer.status_code} or another issuer")
            self._discovery = found
        return self._discovery

    async def authorize_url(self, pending: Pending, redirect_uri: str) -> str:
        endpoint = (await self.discovery())["authorization_endpoint"]
        return endpoint + "?" + urlencode({
            "client_id": self.client_id, "response_type": "code", "scope": "openid profile",
            "redirect_uri": redirect_uri, "state": pending.state, "nonce": pending.nonce,
            "code_challenge": pending.challenge, "code_challenge_method": "S256"})

    async def finish(self, code: str, pending: Pending, redirect_uri: str) -> tuple[str, Principal]:
        """Exchange the code (with the PKCE verifier) for the ID token, validated; the token and who it names."""
        endpoint = (await self.discovery())["token_endpoint"]
        try:
            answer = await self.http.post(endpoint, auth=(self.client_id, self.client_secret), data={
                "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "code_verifier": pending.verifier})
            body = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInFailed(f"token endpoint: {type(exc).__name__}") from exc
        token = body.get("id_token") if isinstance(body, dict) else None
        if answer.status_code != 200 or not isinstance(token, str):
            raise SignInFailed(f"token endpoint: HTTP {answer.status_code}")
        try:
            principal = await self.validator.principal(token)
        except AuthError as exc:
            raise SignInFailed(f"id token: {exc.reason}") from exc
        if principal.claims.get("nonce") != pending.nonce:
            raise SignInFailed("id token: nonce does not match this sign-in")
        return token, principal
