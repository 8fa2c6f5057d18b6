"""Every specific category the Curhat Ning Ita app writes reaches an OPD, not the triage desk."""

import pytest

from palapa.complaint.routing import TRIAGE_OPD, route
from palapa.sim_curhat.generate import TOPICS

GENERIC = {"pelayanan"}  # too vague to route: triage is right for it

CATEGORIES = sorted({c for categories, _ in TOPICS.values() for c in categories if c.strip().lower() not in GENERIC})


@pytest.mark.parametrize("category", CATEGORIES)
def test_a_simulated_category_is_routed_to_an_opd(category):
    assert route(category) != TRIAGE_OPD
