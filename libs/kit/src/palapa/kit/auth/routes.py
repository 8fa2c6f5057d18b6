"""Which route template a request is for, the way the app will route it.

FastAPI ≥ 0.165 keeps included routers lazy (`app.router.routes` holds them unflattened, prefixes applied on
the fly), so the routes are listed through `fastapi.routing.iter_route_contexts` and each template compiled
with Starlette's `compile_path`. The index is rebuilt when the app's routes change (a route added after
`protect()` is still matched, and so still refused when it is a write without a rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.routing import iter_route_contexts
from starlette.routing import Mount, compile_path
from starlette.types import Scope


@dataclass(frozen=True)
class Template:
    methods: frozenset[str] | None  # None: a mount, any method
    path: str  # the template as a protection rule names it
    regex: re.Pattern
    convertors: dict


def templates(app) -> list[Template]:
    """Every route of the app in routing order; a mount as `<prefix>/{path:path}`."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, Mount):
            path, methods = (context.path or route.path).rstrip("/") + "/{path:path}", None
        else:
            path = context.path_format or context.path
            methods = frozenset(context.methods or ())
            if path is None:
                continue
        regex, _format, convertors = compile_path(path)
        found.append(Template(methods, path, regex, convertors))
    return found


def routes_of(app) -> list[tuple[str, str]]:
    """Every (METHOD, path template) the app serves (HEAD aside; a mount counts as its GET)."""
    return [(m, t.path) for t in templates(app) for m in sorted(t.methods or {"GET"}) if m != "HEAD"]


class RouteIndex:
    """Finds (method, template, path params) for a request; None when the app would answer 404 or 405."""

    def __init__(self, app) -> None:
        self.app = app
        self._templates: list[Template] = []
        self._count = -1

    def find(self, scope: Scope) -> tuple[str, str, dict] | None:
        found = self._find(scope)
        if found is None and self._changed():  # unknown to the index: perhaps a route added since it was built
            found = self._find(scope)
        return found

    def _changed(self) -> bool:
        count = sum(1 for _ in iter_route_contexts(self.app.routes))
        if count == self._count:
            return False
        self._templates, self._count = templates(self.app), count
        return True

    def _find(self, scope: Scope) -> tuple[str, str, dict] | None:
        method, path = scope["method"], _route_path(scope)
        for template in self._templates:
            match = template.regex.match(path)
            if match is None:
                continue
            if template.methods is not None and method not in template.methods and not (
                    method == "HEAD" and "GET" in template.methods):
                continue  # another route may take this method; none does: the app answers 405
            params = {k: template.convertors[k].convert(v) for k, v in match.groupdict().items()}
            return method, template.path, params
        return None


def _route_path(scope: Scope) -> str:
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path
