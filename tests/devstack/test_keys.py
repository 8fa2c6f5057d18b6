"""The launcher's signing keys: one per producing process, made once, and the public set catalog-svc registers."""

import json
import stat

from palapa.devstack import keys
from palapa.kit.signing import load_private, parse_key_set


def test_every_producing_process_gets_its_own_key_once_readable_by_its_user_only(tmp_path):
    files = keys.prepare(tmp_path / "keys")
    assert set(files) == {s.name for s in keys.producers()} and not any(n.startswith("sim-") for n in files)
    kids = {name: load_private(path.read_text()).kid for name, path in files.items()}
    assert len(set(kids.values())) == len(kids) and kids["bridge-curhat"].startswith("bridge-curhat-")
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files.values())
    assert keys.prepare(tmp_path / "keys") == files  # a second start keeps them
    assert {name: load_private(path.read_text()).kid for name, path in files.items()} == kids


def test_the_public_set_names_each_process_and_the_apps_it_bridges_and_no_private_half(tmp_path):
    keys.prepare(tmp_path / "keys")
    doc = json.loads((tmp_path / "keys" / keys.PUBLIC).read_text())
    assert all("d" not in e["jwk"] for e in doc["keys"])
    parse_key_set(doc)  # what a consumer's verifier reads
    apps = {(e["app_id"], e["kid"].rsplit("-", 2)[0]) for e in doc["keys"]}
    assert {("curhat-ning-ita", "bridge-curhat"), ("bridge-curhat", "bridge-curhat"), ("psc-119", "bridge-psc119"),
            ("puskesmas-antrian", "bridge-mapped"), ("complaint-svc", "complaint-svc")} <= apps


def test_the_tool_key_is_trusted_for_any_app_only_where_a_scratch_stack_asks_for_it(tmp_path):
    assert keys.TOOLS not in keys.prepare(tmp_path / "plain")
    files = keys.prepare(tmp_path / "scratch", tools=True)
    doc = json.loads((tmp_path / "scratch" / keys.PUBLIC).read_text())
    tool_kid = load_private(files[keys.TOOLS].read_text()).kid
    assert [e["app_id"] for e in doc["keys"] if e["kid"] == tool_kid] == ["*"]
