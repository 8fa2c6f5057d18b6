"""BPKPD's export as the generator writes it: Latin-1, CRLF, quirks in place; a change moves only the bills picked."""

from __future__ import annotations

from palapa.pbb_legacy import Export, dotted, nop_digits
from palapa.pbb_legacy.export import HEADER


def test_the_export_is_latin1_with_crlf_a_header_every_bill_a_duplicate_and_broken_lines(tmp_path):
    export = Export(2000, broken_every=1000)
    path = export.write(tmp_path / "pbb.csv")
    raw = path.read_bytes()
    assert (tmp_path / "pbb.csv.done").exists() and not (tmp_path / "pbb.csv.part").exists()
    assert "ANDRÉ".encode("latin-1") in raw and raw.count(b"\r\n") == raw.count(b"\n")
    lines = raw.decode("latin-1").split("\r\n")[:-1]
    assert lines[0] == HEADER
    assert len(lines) == 1 + 2000 + 3 + 2  # bills, duplicates of bills 0, 997, 1994, broken lines
    assert lines[1] == lines[2]  # bill 0 written twice
    assert any(line.startswith(nop_digits(1) + ";") for line in lines)  # plain 18 digits
    assert any(line.startswith(dotted(nop_digits(5)) + ";") for line in lines)  # dotted
    assert any(";Rp " in line for line in lines) and any(",00;" in line for line in lines)


def test_a_change_moves_the_picked_bills_only_half_amounts_half_payments():
    export = Export(1000)
    before = list(export.lines())
    picked = export.change(0.02, seed=1)
    after = list(export.lines())
    moved = {n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
    assert len(picked) == 20 and len(moved) == 20 + sum(1 for i in picked if i % 997 == 0)
    assert sum(1 for i in picked if export.changes[i][1]) == 10
    assert dotted("357601000100201230") == "35.76.010.001.002-0123.0"
