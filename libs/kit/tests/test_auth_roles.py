"""Token claims become a principal, and the roles table says what each principal may do (pure, no I/O)."""

import pytest

from palapa.kit.auth import ROLES, AuthError, Permission, Principal, Role, require_opd, roles_granting
from palapa.kit.auth.claims import principal_from_claims


def test_keycloak_realm_roles_and_an_opd_group_make_an_officer_of_that_opd():
    p = principal_from_claims({"sub": "u1", "realm_access": {"roles": ["opd-officer", "offline_access"]},
                               "groups": ["/opd/DISHUB", "/staff"]})
    assert p.roles == {Role.OPD_OFFICER} and p.opds == {"DISHUB"} and p.kind == "person"


def test_the_opd_can_also_come_from_an_opd_claim_in_any_case():
    assert principal_from_claims({"sub": "u", "opd": "dinkes"}).opds == {"DINKES"}
    assert principal_from_claims({"sub": "u", "opd": ["DINKES", "DISHUB"]}).opds == {"DINKES", "DISHUB"}


def test_roles_the_platform_does_not_know_and_malformed_claims_are_ignored():
    p = principal_from_claims({"sub": "u", "realm_access": {"roles": ["default-roles-kota", 7, "sre"]},
                               "groups": "not-a-list", "opd": "../../etc", "roles": ["catalog-admin"]})
    assert p.roles == {Role.SRE, Role.CATALOG_ADMIN} and p.opds == frozenset()


def test_a_client_credentials_token_is_a_client_with_its_client_id():
    keycloak = principal_from_claims({"sub": "9f1", "client_id": "open311-dishub", "azp": "open311-dishub",
                                      "preferred_username": "service-account-open311-dishub"})
    older = principal_from_claims({"sub": "9f2", "preferred_username": "service-account-pesan-dinkes"})
    assert (keycloak.kind, keycloak.client_id) == ("client", "open311-dishub")
    assert (older.kind, older.client_id) == ("client", "pesan-dinkes")
    assert principal_from_claims({"sub": "x", "azp": "palapa"}).kind == "person"


def test_every_role_in_the_issue_is_declared_with_what_it_may_do():
    assert set(ROLES) == set(Role)
    assert roles_granting(Permission.CATALOG_WRITE) == (Role.CATALOG_ADMIN,)
    assert set(roles_granting(Permission.ESCALATIONS_ACT)) == {Role.SEKDA, Role.WALI_KOTA}
    assert set(roles_granting(Permission.OPEN311_WRITE)) == {Role.OPD_CLIENT}


def test_an_officer_moves_only_their_own_opds_cases():
    officer = Principal("o", frozenset({Role.OPD_OFFICER}), frozenset({"DISHUB"}))
    assert officer.may_for_opd(Permission.CASES_MOVE, "DISHUB")
    assert officer.may_for_opd(Permission.CASES_MOVE, "dishub")
    assert not officer.may_for_opd(Permission.CASES_MOVE, "DINKES")
    assert not officer.may_for_opd(Permission.CASES_MOVE, None)
    assert officer.scoped(Permission.CASES_READ) == {"DISHUB"}
    with pytest.raises(AuthError) as refused:
        require_opd(officer, Permission.CASES_MOVE, "DINKES")
    assert (refused.value.status, refused.value.reason) == (403, "wrong_opd")


def test_the_desk_and_the_sekda_see_every_opd_but_only_the_sekda_and_mayor_act_on_escalations():
    desk = Principal("d", frozenset({Role.DESK}))
    sekda = Principal("s", frozenset({Role.SEKDA}))
    assert desk.may_for_opd(Permission.CASES_MOVE, "DINKES") and desk.scoped(Permission.CASES_READ) is None
    assert sekda.may_for_opd(Permission.CASES_READ, "DISHUB") and not sekda.may(Permission.CASES_MOVE)
    assert sekda.may(Permission.ESCALATIONS_ACT) and not desk.may(Permission.ESCALATIONS_ACT)


def test_an_officer_without_an_opd_may_move_no_case():
    lost = Principal("o", frozenset({Role.OPD_OFFICER}))
    assert lost.scoped(Permission.CASES_MOVE) == frozenset()
    assert not lost.may_for_opd(Permission.CASES_MOVE, "DISHUB")


def test_a_principal_without_roles_may_do_nothing():
    nobody = Principal("n")
    assert not any(nobody.may(p) for p in Permission)
