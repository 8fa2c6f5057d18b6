"""catalog-svc's protection table covers every route; who may call what, and how the actor is named."""

import pytest

from palapa.catalog.access import TABLE, account, actor_for
from palapa.catalog.main import create_app
from palapa.catalog.registry.changes import RegistryError
from palapa.catalog.settings import CatalogSettings
from palapa.kit.auth import Needs, Permission, Principal, Public
from palapa.testkit.protection import assert_routes_protected

SETTINGS = CatalogSettings(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1", DATABASE_URL="postgresql+asyncpg://x@127.0.0.1:1/x")


def test_every_route_of_catalog_svc_has_a_rule():
    app = create_app(SETTINGS)
    assert_routes_protected(app)
    app.state.runtime.provider.shutdown()


def test_every_catalog_write_needs_the_catalog_admin_and_the_directory_stays_public():
    writes = {k: r for k, r in TABLE.rules.items() if k[0] in ("POST", "PUT", "PATCH", "DELETE")}
    keys = {k: r for k, r in writes.items() if k[1].startswith("/signing-keys")}  # catalog admins or SRE
    assert writes and all(isinstance(r, Needs) and r.permission is Permission.CATALOG_WRITE
                          for k, r in writes.items() if k not in keys)
    assert len(keys) == 2 and all(r.permission is Permission.SIGNING_KEYS for r in keys.values())
    assert isinstance(TABLE.rule("GET", "/directory/search"), Public)
    assert isinstance(TABLE.rule("GET", "/apps/{app_id}"), Public)


def test_the_actor_is_the_signed_in_account_and_a_body_cannot_name_another():
    sari = Principal("0b9c6f2e-uuid", name="kominfo.sari")
    assert actor_for(sari, None) == actor_for(sari, "kominfo.sari") == "kominfo.sari"
    with pytest.raises(RegistryError) as refused:
        actor_for(sari, "bagpem.andi")
    assert (refused.value.reason, refused.value.status) == ("actor_mismatch", 403)
    with pytest.raises(RegistryError, match="actor wajib"):
        actor_for(sari, "sari@kominfo.go.id")
    assert account(Principal("0b9c6f2e-8d1a-4c55-9a3e-1f1f1f1f1f1f")) == "akun-0b9c6f2e-8d1a-4c55-9a3e-1f1f1f1f1f1f"
