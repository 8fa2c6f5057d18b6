"""The complaint generator: seeded, realistic, quirky on purpose."""

from datetime import datetime

import pytest

from palapa.curhat_legacy import COLUMNS
from palapa.sim_curhat.generate import ComplaintGenerator, stage_of
from palapa.sim_curhat.settings import SimSettings

NOW = datetime(2026, 11, 20, 8, 30, 0)


def _rows(seed, n=300, ratio=0.02):
    gen = ComplaintGenerator(seed, ratio)
    return [gen.complaint(NOW) for _ in range(n)]


def test_the_same_seed_gives_the_same_rows():
    assert _rows(7, 50) == _rows(7, 50)
    assert _rows(7, 50) != _rows(8, 50)


def test_a_row_has_every_legacy_column_but_the_id_and_fits_the_column_sizes():
    for row in _rows(1):
        assert set(row) == set(COLUMNS) - {"id_pengaduan"}
        assert row["tgl_update"] == NOW
        for col, size in (("nik", 32), ("nama_pelapor", 100), ("no_hp", 20), ("kategori", 60), ("lokasi", 200),
                          ("status", 20), ("tgl_lapor", 30)):
            assert row[col] is None or len(row[col]) <= size, (col, row[col])


def test_rows_carry_the_legacy_quirks():
    rows = _rows(3, 1000)
    niks = {r["nik"] for r in rows}
    assert any(n and " " in n for n in niks) and any(n and n.isdigit() and len(n) == 16 for n in niks)
    assert niks & {"-", "", None}
    cats = {r["kategori"] for r in rows}
    assert cats & {"-", "", None} and any(c and c != c.strip() for c in cats) and any(c and c.islower() for c in cats)
    dates = {r["tgl_lapor"] for r in rows}
    assert any(d and "/" in d for d in dates) and any(d and len(d) == 10 for d in dates) and dates & {"", "-", None}
    statuses = {r["status"] for r in rows}
    assert "0" in statuses and statuses - {"0"}


def test_isi_laporan_is_bahasa_about_a_place_in_mojokerto():
    for row in _rows(5, 100, ratio=0):
        assert row["isi_laporan"] and len(row["isi_laporan"]) > 30
    assert any("mohon" in r["isi_laporan"].lower() for r in _rows(5, 100, ratio=0))


def test_broken_rows_appear_at_roughly_the_configured_rate():
    rows = _rows(11, 2000, ratio=0.1)
    broken = [r for r in rows if not (r["isi_laporan"] or "").strip() or stage_of(r["status"]) is None
              or r["tgl_lapor"] in {"31/02/2026 25:61", "kemarin sore", "2026-13-45", "00-00-0000", "besok"}]
    assert 120 < len(broken) < 280
    assert not [r for r in _rows(11, 500, ratio=0) if stage_of(r["status"]) is None or not r["isi_laporan"]]


def test_an_open_complaint_moves_forward_and_a_closed_one_stays():
    gen = ComplaintGenerator(2)
    seen = {stage_of(gen.next_status("0")) for _ in range(300)}
    assert seen == {1, 9}
    assert {stage_of(gen.next_status("1")) for _ in range(300)} == {2, 9}
    assert {stage_of(gen.next_status(" Proses ")) for _ in range(50)} == {3}
    assert gen.next_status("3") is None and gen.next_status("tolak") is None and gen.next_status("X") is None


def test_status_codes_mix_numbers_and_words():
    gen = ComplaintGenerator(4)
    codes = {gen.next_status("1") for _ in range(300)}
    assert "2" in codes and codes & {"proses", "Proses", "diproses", "Tindak Lanjut"}


def test_a_ratio_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError):
        ComplaintGenerator(1, 1.5)
    with pytest.raises(ValueError, match="odd_move_ratio"):
        ComplaintGenerator(1, 0.0, -0.1)


def test_staff_also_set_cases_back_reopen_them_and_repeat_a_stage():
    gen = ComplaintGenerator(5, 0.0, odd_move_ratio=1.0)
    assert {stage_of(gen.odd_status("2")) for _ in range(300)} == {1, 2}
    assert {stage_of(gen.odd_status("Selesai")) for _ in range(300)} == {2, 3}
    assert {stage_of(gen.odd_status("9")) for _ in range(300)} == {2, 9}
    assert {stage_of(gen.odd_status("0")) for _ in range(50)} == {0}
    assert gen.odd_status("X") is None


def test_odd_moves_write_free_text_codes_with_odd_spacing_and_case_that_still_mean_their_stage():
    gen = ComplaintGenerator(6, 0.0, odd_move_ratio=1.0)
    codes = {gen.code(stage) for stage in (0, 1, 2, 3, 9) for _ in range(200)}
    odd = {c for c in codes if not c.isdigit()}
    assert any(c != c.strip() or "  " in c for c in odd) and any(c.isupper() for c in odd)
    assert all(stage_of(c) is not None and len(c) <= 20 for c in codes)


def test_a_move_picks_any_known_row_at_the_odd_ratio_and_only_open_ones_otherwise():
    rows = [(1, "3"), (2, "tolak"), (3, "X")]
    assert ComplaintGenerator(1, 0.0, odd_move_ratio=0.0).move(rows) is None
    moved = {ComplaintGenerator(seed, 0.0, odd_move_ratio=1.0).move(rows) for seed in range(40)}
    assert {m[0] for m in moved} == {1, 2}
    assert {stage_of(m[1]) for m in moved} >= {2}
    some = ComplaintGenerator(9, 0.0, odd_move_ratio=0.3)
    ids = {some.move([(1, "1"), (2, "3")])[0] for _ in range(200)}
    assert ids == {1, 2}


def test_settings_need_a_supported_legacy_database_url():
    assert SimSettings(legacy_database_url="mysql://root@127.0.0.1:3306/curhat").legacy_database_url.startswith(
        "mysql+aiomysql://"
    )
    with pytest.raises(ValueError, match="unsupported database"):
        SimSettings(legacy_database_url="sqlite:///x.db")
    with pytest.raises(ValueError):
        SimSettings(_env_file=None)
