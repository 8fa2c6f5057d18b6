"""The simulated queue app writes rows the way its screens do: numbers per poli, calls, a few broken rows."""

from datetime import datetime

from palapa.sim_puskesmas.clinic import BROKEN, POLI, PUSKESMAS, Clinic

NOW = datetime(2026, 11, 26, 8, 15, 3)


def test_patients_take_numbers_counted_per_puskesmas_and_poli():
    clinic = Clinic(seed=7)
    rows = [clinic.patient(NOW) for _ in range(50)]
    assert all(r["status_antrian"] == "0" and r["kd_puskesmas"] in PUSKESMAS and r["kd_poli"] in POLI for r in rows)
    firsts = {(r["kd_puskesmas"], r["kd_poli"]): r["no_antrian"] for r in reversed(rows)}
    assert all(n.endswith("-001") for n in firsts.values())


def test_a_call_writes_status_counter_and_time_and_sometimes_a_broken_value():
    clean = Clinic(seed=1, broken_row_ratio=0).call(NOW)
    assert clean == {
        "status_antrian": "1", "loket": clean["loket"], "jam_panggil": "26/11/2026 08:15:03", "tgl_update": NOW
    }
    broken = Clinic(seed=1, broken_row_ratio=1).call(NOW)
    assert any(all(broken[k] == v for k, v in b.items()) for b in BROKEN)
