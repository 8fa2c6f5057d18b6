"""Complaint categories as the app's officers typed them (odd case, stray spaces), by topic."""

from __future__ import annotations

CATEGORIES: dict[str, tuple[str, ...]] = {
    "jalan": ("Jalan Rusak", "jalan rusak ", " JALAN RUSAK", "Jalan rusak"),
    "sampah": ("Sampah", "sampah", "SAMPAH ", "Kebersihan"),
    "pju": ("PJU", "pju ", "Lampu Jalan", "Penerangan Jalan"),
    "drainase": ("Drainase", "drainase", "Banjir ", "Saluran Air"),
    "adminduk": ("Administrasi Kependudukan", "adminduk", "KTP ", "Pelayanan"),
    "kesehatan": ("Pelayanan Kesehatan", "kesehatan", "Puskesmas"),
}
# what the app stores when an officer left the category empty
BLANK_CATEGORIES = ("-", "", None)
