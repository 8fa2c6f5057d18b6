"""A service's protection table: for each route (method + path template) the permission it needs, or why it is
public. Pure: the FastAPI integration (guard.py) enforces it; the testkit checks it against the OpenAPI document.

    TABLE = ProtectionTable("catalog-svc", [
        Public("GET", "/apps", why="the directory lists the city's apps to everyone"),
        Needs("PATCH", "/apps/{app_id}", Permission.CATALOG_WRITE),
        Needs("POST", "/opd/{opd}/cases", Permission.CASES_MOVE, opd_param="opd"),
    ])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .roles import Permission, roles_granting

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ProtectionError(ValueError):
    """The table or the app's routes are not in order (a write route without a rule, a rule twice…)."""


@dataclass(frozen=True)
class Needs:
    """The route needs a valid token whose principal holds `permission` (for the path's OPD with `opd_param`)."""

    method: str
    path: str
    permission: Permission
    opd_param: str | None = None  # the path parameter naming the OPD: officers and clients only for their own

    def __post_init__(self) -> None:
        if self.opd_param is not None and "{" + self.opd_param not in self.path:
            raise ProtectionError(f"{self.method} {self.path}: no path parameter {{{self.opd_param}}}")


@dataclass(frozen=True)
class Public:
    """The route answers without a token; `why` says why that is right (it is read in reviews and docs).

    With `bearer`, the route checks a credential of its own (e.g. GeoReport v2's api_key) but also takes a bearer
    token: one that is sent must be valid and hold `bearer` (401/403 otherwise, as on a `Needs` route), and the
    route gets its principal."""

    method: str
    path: str
    why: str
    bearer: Permission | None = None

    def __post_init__(self) -> None:
        if not self.why.strip():
            raise ProtectionError(f"{self.method} {self.path}: a public route says why it is public")


@dataclass(frozen=True)
class Authenticated:
    """The route needs a valid token, whatever its roles (e.g. `GET /me`)."""

    method: str
    path: str


Rule = Needs | Public | Authenticated

#: What the kit itself serves on every service: public by design.
KIT_RULES: tuple[Rule, ...] = (
    Public("GET", "/healthz", why="liveness probe of the orchestrator"),
    Public("GET", "/readyz", why="readiness probe of the orchestrator"),
    Public("GET", "/metrics", why="Prometheus scrapes it from inside the cluster; the gate does not route it"),
    Public("GET", "/asyncapi.json", why="documents the service's topics and payload schemas, no data"),
    Public("GET", "/openapi.json", why="documents the service's routes, no data"),
    Public("GET", "/docs", why="API documentation page"),
    Public("GET", "/redoc", why="API documentation page"),
    Public("GET", "/docs-assets/{path:path}", why="the documentation pages' static assets"),
)


class ProtectionTable:
    """The rules of one service (the kit's own public routes included), looked up by (method, path template)."""

    def __init__(self, service: str, rules: Iterable[Rule]) -> None:
        self.service = service
        self.rules: dict[tuple[str, str], Rule] = {}
        for rule in (*KIT_RULES, *rules):
            key = (rule.method.upper(), rule.path)
            if key in self.rules and key not in {(r.method, r.path) for r in KIT_RULES}:
                raise ProtectionError(f"{self.service}: two rules for {key[0]} {key[1]}")
            self.rules[key] = rule

    def extended(self, rules: Iterable[Rule]) -> ProtectionTable:
        """This table with `rules` added (the kit's own protected routes, e.g. the outbox's operations)."""
        return ProtectionTable(self.service, [*self.rules.values(), *rules])

    def rule(self, method: str, path: str) -> Rule | None:
        """The rule of a route; HEAD follows GET's."""
        method = method.upper()
        found = self.rules.get((method, path))
        if found is None and method == "HEAD":
            found = self.rules.get(("GET", path))
        return found

    def gaps(self, routes: Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
        """(write routes with no rule, read routes with no rule) among `routes`, as `METHOD path`."""
        writes, reads = [], []
        for method, path in routes:
            if self.rule(method, path) is None and method.upper() not in {"OPTIONS"}:
                (writes if method.upper() in WRITES else reads).append(f"{method.upper()} {path}")
        return sorted(writes), sorted(reads)

    def describe(self) -> list[str]:
        """One line per rule, for docs and reviews: who may call each route."""
        lines = []
        for (method, path), rule in sorted(self.rules.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if isinstance(rule, Public):
                who = f"public: {rule.why}" + (f"; or a bearer token with {rule.bearer} ("
                                               f"{', '.join(roles_granting(rule.bearer))})" if rule.bearer else "")
            elif isinstance(rule, Needs):
                roles = ", ".join(roles_granting(rule.permission))
                who = f"{rule.permission} ({roles})" + (f", own OPD from {{{rule.opd_param}}}" if rule.opd_param
                                                        else "")
            else:
                who = "any signed-in staff or client"
            lines.append(f"{method:<6} {path}  →  {who}")
        return lines
