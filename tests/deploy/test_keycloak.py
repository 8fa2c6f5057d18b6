"""The committed Keycloak realm (deploy/keycloak/realm-palapa.json) and compose agree with the code: its roles are
the platform's, its users the local provider's seeded staff, its tokens carry `palapa` in aud, and every service of
compose checks tokens against it. Static: no image can be pulled here."""

import json
from pathlib import Path

import yaml

from palapa.kit.auth import ROLES, Role
from palapa.kit.auth.claims import principal_from_claims
from palapa.localstack import STAFF, STAFF_CLIENT

ROOT = Path(__file__).resolve().parents[2]
REALM = json.loads((ROOT / "deploy" / "keycloak" / "realm-palapa.json").read_text())
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
USERS = {u["username"]: u for u in REALM["users"]}
CLIENTS = {c["clientId"]: c for c in REALM["clients"]}


def token_claims(user: dict) -> dict:
    """The claims Keycloak puts in the user's access token with this realm: realm roles, group paths, the client."""
    claims = {"sub": "0b9c6f2e-8d1a-4c55-9a3e-1f1f1f1f1f1f", "preferred_username": user["username"],
              "realm_access": {"roles": [*user.get("realmRoles", []), "offline_access", "default-roles-palapa"]},
              "groups": user.get("groups", [])}
    if "serviceAccountClientId" in user:
        claims |= {"client_id": user["serviceAccountClientId"], "azp": user["serviceAccountClientId"]}
    return claims


def test_the_realm_roles_are_the_platforms_roles():
    assert {r["name"] for r in REALM["roles"]["realm"]} == {r.value for r in ROLES}


def test_every_seeded_staff_member_is_a_realm_user_with_the_same_roles_and_opd():
    for key, seeded in STAFF.items():
        user = USERS[seeded["preferred_username"]]
        assert user["enabled"], key
        mine = principal_from_claims(token_claims(user))
        local = principal_from_claims(seeded)
        assert (mine.roles, mine.opds, mine.kind) == (local.roles, local.opds, local.kind), key


def test_there_is_a_group_per_opd_and_every_users_groups_exist():
    opd = next(g for g in REALM["groups"] if g["path"] == "/opd")
    paths = {g["path"] for g in opd["subGroups"]}
    assert {"/opd/DISKOMINFO", "/opd/DISHUB", "/opd/DINKES"} <= paths
    assert {g for u in REALM["users"] for g in u.get("groups", [])} <= paths


def test_people_change_their_development_passwords_at_first_sign_in():
    people = [u for u in REALM["users"] if "serviceAccountClientId" not in u]
    assert people and all(c["temporary"] for u in people for c in u["credentials"])


def test_the_workspace_client_uses_pkce_and_puts_palapa_in_the_audience():
    client = CLIENTS[STAFF_CLIENT]
    assert client["publicClient"] and client["standardFlowEnabled"] and not client["directAccessGrantsEnabled"]
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    audience = [m for m in client["protocolMappers"] if m["protocolMapper"] == "oidc-audience-mapper"]
    assert [m["config"]["included.custom.audience"] for m in audience] == ["palapa"]
    groups = next(m for m in client["protocolMappers"] if m["protocolMapper"] == "oidc-group-membership-mapper")
    assert groups["config"]["full.path"] == "true"  # /opd/<CODE>, as palapa.kit.auth.claims reads it


def test_an_opd_api_client_signs_in_with_client_credentials_as_an_opd_api_client_of_its_opd():
    client = CLIENTS["open311-dishub"]
    assert client["serviceAccountsEnabled"] and not client["publicClient"] and not client["standardFlowEnabled"]
    assert any(m["config"].get("included.custom.audience") == "palapa" for m in client["protocolMappers"])
    account = next(u for u in REALM["users"] if u.get("serviceAccountClientId") == "open311-dishub")
    who = principal_from_claims(token_claims(account))
    assert (who.kind, who.roles, who.opds) == ("client", {Role.OPD_CLIENT}, {"DISHUB"})


def test_every_service_of_compose_checks_tokens_against_the_realm_and_waits_for_keycloak():
    keycloak = COMPOSE["services"]["keycloak"]
    assert any("realm-palapa.json" in v and "/opt/keycloak/data/import" in v for v in keycloak["volumes"])
    assert "--import-realm" in keycloak["command"] and "healthcheck" in keycloak
    ours = {n: s for n, s in COMPOSE["services"].items() if "palapa.complaint" in " ".join(s.get("command", []))
            or any(x in " ".join(s.get("command", [])) for x in ("palapa.catalog", "palapa.notify", "palapa.tracking",
                                                                  "palapa.bridge_"))}
    assert len(ours) >= 6
    for name, svc in ours.items():
        env = svc["environment"]
        assert env["OIDC_ISSUER"] == f"http://keycloak:8080/realms/{REALM['realm']}", name
        assert env["OIDC_AUDIENCE"] == "palapa", name
        assert svc["depends_on"]["keycloak"]["condition"] == "service_healthy", name
