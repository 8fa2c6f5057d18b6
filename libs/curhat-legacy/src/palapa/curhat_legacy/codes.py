"""The app's status codes and date formats: what each code means in its workflow (the legacy truth)."""

from __future__ import annotations

STATUS_VARIANTS: dict[int, tuple[str, ...]] = {
    0: ("baru", "Baru", "BARU "),
    1: ("diverifikasi", "Verifikasi", "DIVERIFIKASI"),
    2: ("proses", "Proses", "diproses", "Tindak Lanjut"),
    3: ("selesai", "SELESAI ", "Selesai"),
    9: ("tolak", "ditolak", "Ditolak "),
}
_STAGE_OF = {"0": 0, "1": 1, "2": 2, "3": 3, "9": 9, "verifikasi": 1, "tindak lanjut": 2}
_STAGE_OF |= {v.strip().lower(): stage for stage, vs in STATUS_VARIANTS.items() for v in vs}
OPEN_STAGES = (0, 1, 2)

DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")


def stage_of(code: str | None) -> int | None:
    """The workflow stage (0, 1, 2, 3, 9) of a legacy status code, None when the app would not know it."""
    if code is None:
        return None
    return _STAGE_OF.get(" ".join(code.split()).lower())
