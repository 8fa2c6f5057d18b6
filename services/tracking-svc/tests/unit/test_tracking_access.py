"""tracking-svc's protection table covers every route it serves (each public one says why)."""

from palapa.testkit.protection import assert_routes_protected
from palapa.tracking.main import create_app
from palapa.tracking.settings import TrackingSettings


def test_every_route_of_tracking_svc_has_a_rule():
    app = create_app(TrackingSettings(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1", DATABASE_URL="postgresql+asyncpg://x@127.0.0.1:1/x"))
    assert_routes_protected(app)
    app.state.runtime.provider.shutdown()
