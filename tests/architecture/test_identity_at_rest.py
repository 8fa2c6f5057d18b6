"""No platform table keeps a phone number, an e-mail or a NIK in clear (issue 19): a column for one is sealed
(`*_sealed`, `sealed`) or a keyed hash (`*_hash`, `lookup`). The legacy apps' own tables are theirs, not ours."""

import re

import pytest

from palapa.kit.migrate import schemas

PERSONAL = re.compile(r"phone|e_?mail|(^|_)nik(_|$)|no_hp|telepon|reporter_?name|applicant|pelapor", re.IGNORECASE)
SAFE = re.compile(r"(_sealed|_hash)$")
SERVICES = schemas()


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_no_table_of_a_service_has_a_personal_column_in_clear(name):
    clear = [f"{t.name}.{c.name}" for t in SERVICES[name].tables.values() for c in t.columns
             if PERSONAL.search(c.name) and not SAFE.search(c.name)]
    assert clear == [], f"{name} keeps {clear} in clear: seal it (palapa.kit.sealed) or keep a keyed hash"
