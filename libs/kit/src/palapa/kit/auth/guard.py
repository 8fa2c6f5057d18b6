"""The protection table enforced on a FastAPI app: every request is matched to its route's rule before it runs.

A plain ASGI middleware (inside the kit's error handling): it finds the route the way Starlette will, reads
the rule for (method, path template), validates the bearer token when the rule needs one, checks the
permission (and the OPD of the path with `opd_param`), and answers 401/403/503 with a reason, or lets the
request through with `request.state.principal` set. A write route without a rule fails the app's build.

A citizen signed in at the gate comes as a short-lived token in X-Citizen-Token, minted by gate-svc (CITIZEN_ISSUER):
checked here by its signature and claims like a staff token, it becomes `request.state.citizen`
(palapa.kit.capability.Citizen). A citizen token that is sent but does not hold is refused (401 `citizen_…`), never
quietly ignored: a case filed or claimed by a forged session must not land without an owner either.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from typing import Annotated, Protocol

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ..capability import Citizen
from .principal import Principal
from .protection import WRITES, Needs, ProtectionError, ProtectionTable, Public, Rule
from .refusals import MISSING, AuthError, forbidden, unauthorized, unavailable
from .roles import roles_granting
from .routes import RouteIndex, routes_of
from .tokens import TokenValidator

#: the request being served, for the audit log (set from a sane X-Request-ID, else made up)
REQUEST_ID: ContextVar[str | None] = ContextVar("palapa_request_id", default=None)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
NOT_CONFIGURED = ("auth_not_configured", "Layanan ini belum terhubung ke penyedia identitas (OIDC_ISSUER)")
CITIZENS_NOT_CONFIGURED = ("citizen_auth_not_configured", "Layanan ini belum menerima sesi warga (CITIZEN_ISSUER)")
CITIZEN_REFUSED = "Sesi warga tidak sah atau sudah berakhir; silakan masuk lagi"


def protect(app: FastAPI, table: ProtectionTable, validator: TokenValidator | None,
            citizens: TokenValidator | None = None, refusals: RefusalRecorder | None = None) -> None:
    """Enforce `table` on every route of `app` (call once its routes are in); `validator` None refuses with 503;
    `citizens` checks the gate's citizen tokens (None: a request bringing one is refused with 503); `refusals`
    records each 401/403 on a protected write route (palapa.kit.audit.refusals: the audit log, bounded)."""
    writes, _reads = table.gaps(routes_of(app))
    if writes:
        raise ProtectionError(f"{table.service}: write routes without a rule in its protection table: {writes}")
    app.state.protection = table
    app.add_exception_handler(AuthError, _answer_error)
    app.add_middleware(Protection, table=table, validator=validator, routes=RouteIndex(app), citizens=citizens,
                       refusals=refusals)


def current_principal(request: Request) -> Principal:
    """A route's dependency: who is asking (the rule made sure there is someone, unless the route is public)."""
    found = getattr(request.state, "principal", None)
    if found is None:
        raise unauthorized(*MISSING)
    return found


def optional_principal(request: Request) -> Principal | None:
    """A public route's dependency: who is asking, if a valid token came with the request."""
    return getattr(request.state, "principal", None)


#: a route parameter's type: `who: Staff` is the principal the rule admitted
Staff = Annotated[Principal, Depends(current_principal)]
#: on a public route: the principal when a valid token came along, else None
MaybeStaff = Annotated[Principal | None, Depends(optional_principal)]


class RefusalRecorder(Protocol):
    async def record(self, who: Principal | None, method: str, template: str, path: str, status: int,
                     reason: str) -> None: ...


class Protection:
    def __init__(self, app: ASGIApp, table: ProtectionTable, validator: TokenValidator | None,
                 routes: RouteIndex, citizens: TokenValidator | None = None,
                 refusals: RefusalRecorder | None = None) -> None:
        self.app = app
        self.refusals = refusals
        self.citizens = citizens
        self.table = table
        self.validator = validator
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        token = REQUEST_ID.set(given if given and _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex)
        try:
            found = self._route(scope)
            if found is not None:  # unknown paths and wrong methods: the app answers 404/405 itself
                method, template, params = found
                rule = self._rule(method, template)
                try:
                    principal = await self._decide(scope, rule, params)
                    citizen = await self._citizen(scope)
                except AuthError as exc:
                    if self.refusals is not None and exc.status in (401, 403) and _guarded_write(scope, rule):
                        await self.refusals.record(exc.principal, method, template, scope["path"], exc.status,
                                                   exc.reason)
                    await _refusal(exc)(scope, receive, send)
                    return
                if principal is not None:
                    scope.setdefault("state", {})["principal"] = principal
                if citizen is not None:
                    scope.setdefault("state", {})["citizen"] = citizen
            await self.app(scope, receive, send)
        finally:
            REQUEST_ID.reset(token)

    def _route(self, scope: Scope) -> tuple[str, str, dict] | None:
        return None if scope["method"] == "OPTIONS" else self.routes.find(scope)

    async def _citizen(self, scope: Scope) -> Citizen | None:
        """The signed-in citizen the gate's token names, None without one; a token that does not hold refuses."""
        token = _header(scope, b"x-citizen-token")
        if token is None:
            return None
        if self.citizens is None:
            raise unavailable(*CITIZENS_NOT_CONFIGURED)
        try:
            claims = await self.citizens.claims(token.strip())
        except AuthError as exc:
            if exc.status != 401:
                raise
            raise unauthorized(f"citizen_{exc.reason}", CITIZEN_REFUSED) from exc
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject or len(subject) > 200:
            raise unauthorized("citizen_claim_invalid", CITIZEN_REFUSED)
        return Citizen(subject)

    def _rule(self, method: str, template: str) -> Rule | None:
        return self.table.rule(method, template)

    async def _decide(self, scope: Scope, rule: Rule | None, params: dict) -> Principal | None:
        bearer = _bearer(scope)
        if isinstance(rule, Public) and rule.bearer is not None and bearer is not None:
            # a route with a credential of its own that also takes tokens: a token sent is checked like Needs
            if self.validator is None:
                raise unavailable(*NOT_CONFIGURED)
            if not bearer:
                raise unauthorized("token_malformed", "Header Authorization harus berupa Bearer <token>")
            principal = await self.validator.principal(bearer)
            _check(principal, Needs(rule.method, rule.path, rule.bearer), params)
            return principal
        if isinstance(rule, Public):
            # a token on a public route is used when it is valid, and never the reason for a refusal
            if bearer and self.validator is not None:
                try:
                    return await self.validator.principal(bearer)
                except AuthError:
                    return None
            return None
        if rule is None and scope["method"] in WRITES:  # added after protect(): closed, and says so
            raise forbidden("no_rule", "Alamat ini belum memiliki aturan akses; tidak ada yang boleh mengubah")
        if self.validator is None:
            raise unavailable(*NOT_CONFIGURED)
        if not bearer:
            raise unauthorized(*MISSING)
        principal = await self.validator.principal(bearer)
        if isinstance(rule, Needs):
            _check(principal, rule, params)
        # Authenticated, or a read route the table does not name: any valid token (closed by default)
        return principal


def _check(principal: Principal, rule: Needs, params: dict) -> None:
    roles = ", ".join(roles_granting(rule.permission))
    refusal = None
    if not principal.may(rule.permission):
        refusal = forbidden("role_missing", f"Tindakan ini memerlukan peran: {roles}")
    elif rule.opd_param is not None and not principal.may_for_opd(rule.permission,
                                                                  str(params.get(rule.opd_param, ""))):
        refusal = forbidden("wrong_opd", "Anda hanya dapat menangani urusan OPD Anda sendiri")
    if refusal is not None:
        refusal.principal = principal  # a valid token: the refusal names its holder on the audit log
        raise refusal


def _guarded_write(scope: Scope, rule: Rule | None) -> bool:
    """A write route the table protects (or names nothing for), or a public one a bearer token was sent to."""
    if scope["method"] not in WRITES:
        return False
    if isinstance(rule, Public):
        return rule.bearer is not None and _bearer(scope) is not None
    return True


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _bearer(scope: Scope) -> str | None:
    value = _header(scope, b"authorization")
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else ""


def _refusal(exc: AuthError) -> JSONResponse:
    answer = JSONResponse({"detail": exc.detail, "reason": exc.reason}, status_code=exc.status)
    if exc.www_authenticate:
        answer.headers["WWW-Authenticate"] = exc.www_authenticate
    if exc.status == 503:
        answer.headers["Retry-After"] = "5"
    return answer


async def _answer_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthError)
    return _refusal(exc)


__all__ = ["REQUEST_ID", "MaybeStaff", "Staff", "current_principal", "optional_principal", "protect", "routes_of"]
