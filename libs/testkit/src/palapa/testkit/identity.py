"""Tokens from the real local identity provider, obtained through its real flows.

People sign in with Authorization Code + PKCE, driven with httpx as a browser would (the provider's form is
POSTed `sub=<user>`). oidc-provider-mock has no client-credentials grant, so an OPD client signs in through
the same code flow as its service-account user (the closest real flow it has): its token carries the
`client_id` claim a Keycloak client-credentials token carries. The bearer token is the ID token (the mock's
access tokens are opaque); its `aud` is the client id, `palapa` by default (OIDC_AUDIENCE).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from palapa.kit.auth import Jwks, TokenValidator
from palapa.localstack import STAFF, STAFF_CLIENT, STAFF_CLIENT_SECRET

REDIRECT_URI = "http://127.0.0.1/petugas/callback"


class SignInError(AssertionError):
    """The provider did not complete a sign-in; the message says at which step."""


@dataclass(frozen=True)
class Identity:
    """The issuer of the local provider and how to get its tokens."""

    issuer: str
    audience: str = STAFF_CLIENT

    async def token(self, who: str = "desk", *, client_id: str | None = None) -> str:
        """A signed-in token of a seeded person (`STAFF` key, e.g. "dishub") or of any subject."""
        sub = STAFF[who]["sub"] if who in STAFF else who
        return await self.sign_in(sub, client_id=client_id or self.audience)

    async def client_token(self, client: str = "open311-dishub") -> str:
        """A token of an OPD API client (its service account, through the code flow: see the module doc)."""
        return await self.token(client)

    async def person(self, account: str, roles: tuple[str, ...] | list[str] = (),
                     opds: tuple[str, ...] | list[str] = ()) -> str:
        """A token of a person seeded now under `account` (subject and username) with these realm roles and OPD
        groups, in Keycloak's claim shapes: for tests whose records name a particular account."""
        await self.set_user(account, {"sub": account, "preferred_username": account,
                                      "realm_access": {"roles": list(roles)}, "groups": [f"/opd/{o}" for o in opds]})
        return await self.token(account)

    async def set_user(self, sub: str, claims: dict) -> None:
        """Seed or replace a user's claims at run time (the provider's `PUT /users/<sub>`)."""
        async with httpx.AsyncClient() as http:
            answer = await http.put(f"{self.issuer}/users/{quote(sub, safe='')}", json=claims)
            if answer.status_code != 204:
                raise SignInError(f"PUT /users/{sub}: {answer.status_code} {answer.text[:200]}")

    async def sign_in(self, sub: str, *, client_id: str) -> str:
        """Authorization Code + PKCE (S256) for `sub`; returns the ID token."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state = secrets.token_urlsafe(16)
        query = {"client_id": client_id, "response_type": "code", "redirect_uri": REDIRECT_URI, "scope": "openid",
                 "state": state, "code_challenge": challenge, "code_challenge_method": "S256"}
        async with httpx.AsyncClient(base_url=self.issuer) as http:
            form = await http.get("/oauth2/authorize", params=query)
            if form.status_code != 200:
                raise SignInError(f"authorization form: {form.status_code} {form.text[:200]}")
            answer = await http.post("/oauth2/authorize", params=query, data={"sub": sub})
            location = answer.headers.get("location", "")
            back = parse_qs(urlsplit(location).query)
            if answer.status_code != 302 or back.get("state") != [state] or "code" not in back:
                raise SignInError(f"authorization: {answer.status_code} {location or answer.text[:200]}")
            tokens = await http.post("/oauth2/token", auth=(client_id, STAFF_CLIENT_SECRET), data={
                "grant_type": "authorization_code", "code": back["code"][0], "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier})
            if tokens.status_code != 200 or "id_token" not in tokens.json():
                raise SignInError(f"token endpoint: {tokens.status_code} {tokens.text[:200]}")
            return tokens.json()["id_token"]

    def validator(self, *, audience: str | None = None, leeway_s: int = 30, min_refetch_s: float = 30.0,
                  now=None) -> TokenValidator:
        """A kit validator for this issuer (tests pass `now` to look at a token from another moment)."""
        extra = {"now": now} if now is not None else {}
        return TokenValidator(Jwks(self.issuer, min_refetch_s=min_refetch_s), audience=audience or self.audience,
                              leeway_s=leeway_s, **extra)
