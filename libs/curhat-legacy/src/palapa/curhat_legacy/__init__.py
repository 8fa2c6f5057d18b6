"""The legacy Curhat Ning Ita app as its data looks: the tb_pengaduan table, its writes, its categories.

A library, not the simulator: the simulator, the end-to-end tests and the benchmark all write through it.
"""

from .categories import BLANK_CATEGORIES, CATEGORIES
from .schema import COLUMNS, create, metadata, tb_pengaduan
from .writer import WIB, insert_complaint, set_status, wib_now

__all__ = [
    "BLANK_CATEGORIES", "CATEGORIES", "COLUMNS", "WIB", "create", "insert_complaint", "metadata", "set_status",
    "tb_pengaduan", "wib_now",
]
