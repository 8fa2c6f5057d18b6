"""Seeded generators of nasty values, shared by the fuzz command's three kinds of input (pure, no I/O)."""

from __future__ import annotations

import random
import re

CONTROL = [chr(c) for c in (*range(1, 32), 127)]
EMOJI = ("😀", "🇮🇩", "👩‍👩‍👧", "🕌", "🔥", "\U0001f9d1\u200d\U0001f4bb")
RTL = ("\u202e", "\u200f", "مرحبا", "שלום", "\u2067")
COMBINING = ("\u0301", "\u0336", "\u0489", "\u20dd")
ZERO_WIDTH = ("\u200b", "\u200d", "\ufeff", "\u2060")
UNICODE_DIGITS = ("²", "٣", "৪", "①", "𝟗", "Ⅻ", "½")
CALENDAR_ENDS = ("9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00+14:00",
                 "9999-12-31T23:59:59-12:00")
HUGE_INTS = ("2147483648", "9223372036854775808", str(10**30), "-1", "-2147483649", "0", "1e9", "0x10")
_NIK = re.compile(r"\d{16}")


class Values:
    """One seeded source of nasty strings and bytes: the same seed gives the same inputs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def nik(self) -> str:
        """A NIK-looking value (16 digits, Kota Mojokerto's prefix), to put where it does not belong."""
        r = self.rng
        return (f"3576{r.randint(1, 3):02d}{r.randint(1, 71):02d}{r.randint(1, 12):02d}"
                f"{r.randint(50, 99):02d}{r.randint(1, 9999):04d}")

    def unicode_mess(self, n: int | None = None) -> str:
        """Emoji, right-to-left marks, combining and zero-width characters, mixed with plain words."""
        r = self.rng
        pool = (*EMOJI, *RTL, *ZERO_WIDTH, "jalan", "rusak", "Ä", "ß")
        out = []
        for _ in range(n or r.randint(1, 40)):
            out.append(r.choice(pool))
            if r.random() < 0.3:
                out.append(r.choice(COMBINING) * r.randint(1, 30))
        return "".join(out)

    def control(self, n: int | None = None, nul: bool = True) -> str:
        """Text with control characters (NUL included unless told not to)."""
        r = self.rng
        pool = CONTROL + (["\x00"] if nul else [])
        return "".join(r.choice(pool) if r.random() < 0.5 else r.choice("abc ") for _ in range(n or r.randint(1, 40)))

    def blank(self) -> str | None:
        return self.rng.choice(("", " ", "   ", "\t", "-", None, "\u3000", "\u00a0"))

    def junk_date(self) -> str:
        """A date the legacy screens could have written: calendar ends, impossible, malformed."""
        r = self.rng
        return r.choice((
            "9999-12-31 23:59:59", "0001-01-01 00:00:00", "31/12/9999 23:59", "01/01/0001", "01-01-0001",
            "0000-00-00 00:00:00", "2026-02-30 10:00:00", "2026-13-01", "29/02/2025", "24:00:00",
            f"{r.randint(-99999, 99999)}", "2026-01-01T00:00:00+99:00", "kemarin sore", self.unicode_mess(5),
            "2026-01-01 " + "9" * 20,
        ))

    def status(self) -> str:
        """A status code the app never wrote."""
        r = self.rng
        return r.choice(("X", "?", "99", "-1", "pending", "SELESAI!", "３", "²", "0 0", "ditolak sebagian",
                         self.unicode_mess(3), self.control(5, nul=False), "1" * 20))

    def text(self, max_len: int) -> str:
        """Some nasty text of at most max_len characters."""
        r = self.rng
        choice = r.randrange(5)
        if choice == 0:
            value = self.unicode_mess()
        elif choice == 1:
            value = self.control(nul=False)
        elif choice == 2:
            value = self.nik()
        elif choice == 3:
            value = r.choice(EMOJI) * max_len
        else:
            value = "".join(chr(r.randint(0x20, 0x2FFF)) for _ in range(r.randint(1, max_len)))
        return value[:max_len]

    def bad_bytes(self, n: int) -> bytes:
        """Bytes that are not UTF-8 (lone continuation bytes, overlongs, 0xff)."""
        r = self.rng
        pieces = (b"\xff", b"\xfe", b"\xc0\x80", b"\x80", b"\xed\xa0\x80", b"\x00", b"{", b'"')
        out = bytearray()
        while len(out) < n:
            out += r.choice(pieces) if r.random() < 0.5 else bytes([r.randint(0, 255)])
        return bytes(out[:n])

    def huge_int(self) -> str:
        return self.rng.choice(HUGE_INTS)

    def calendar_end(self) -> str:
        return self.rng.choice(CALENDAR_ENDS)


def shorten(value: object, limit: int = 80) -> str:
    """A printable, NIK-masked, shortened view of an input for the failure list."""
    text = repr(value)
    text = _NIK.sub(lambda m: m.group()[:4] + "********" + m.group()[-4:], text)
    if len(text) > limit:
        text = f"{text[:limit]}…({len(text)} chars)"
    return text
