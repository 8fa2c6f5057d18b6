"""Every route of ops-svc (and the kit's outbox operations) has a rule; every one but the kit's needs SRE."""

from palapa.kit.auth import Needs, Permission
from palapa.ops.main import create_app
from palapa.ops.settings import OpsSettings
from palapa.testkit.protection import assert_routes_protected, openapi_routes


def test_every_route_has_a_rule_and_the_dead_letters_are_sres():
    app = create_app(OpsSettings())
    assert_routes_protected(app)
    table = app.state.protection
    ours = [(m, p) for m, p in openapi_routes(app) if p.startswith(("/dead-letters", "/ops/", "/consumers"))]
    assert len(ours) == 12  # with the kit's /ops/redeliver
    assert all(isinstance(r := table.rule(m, p), Needs) and r.permission is Permission.OPS for m, p in ours)
