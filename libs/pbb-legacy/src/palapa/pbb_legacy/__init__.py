"""BPKPD's PBB app as its data looks: the nightly full export file and the payments table.

A library, not the simulator: the simulator, the bridge's tests and the benchmark all write through it.
"""

from .export import Export, dotted, nop_digits
from .payments import create, pembayaran_sppt

__all__ = ["Export", "create", "dotted", "nop_digits", "pembayaran_sppt"]
