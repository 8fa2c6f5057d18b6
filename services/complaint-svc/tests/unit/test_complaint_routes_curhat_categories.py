"""Every specific category the Curhat Ning Ita app writes reaches an OPD, not the triage desk."""

import pytest

from palapa.complaint.routing.domain import TRIAGE_OPD, route
from palapa.curhat_legacy import CATEGORIES

GENERIC = {"pelayanan"}  # too vague to route: triage is right for it

SPECIFIC = sorted({c for spellings in CATEGORIES.values() for c in spellings if c.strip().lower() not in GENERIC})


@pytest.mark.parametrize("category", SPECIFIC)
def test_a_curhat_category_is_routed_to_an_opd(category):
    assert route(category) != TRIAGE_OPD
