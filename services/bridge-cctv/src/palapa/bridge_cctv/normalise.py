"""Reading Dishub's typed values: blank-or-dash, decimal commas, swapped coordinates, status words (pure)."""

from __future__ import annotations

import math
import re
from datetime import datetime

BLANK = {"", "-", "--", "null", "none"}
# C0 controls and lone surrogates: nothing a label or an id may carry
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
# Indonesia's extent, with a margin: a position outside it is a typo, and its mirror image a swap
LAT_RANGE = (-11.5, 6.5)
LNG_RANGE = (94.5, 141.5)
STREAM_SCHEMES = ("http://", "https://", "rtsp://", "rtmp://")
ONLINE = {"online", "on", "1", "aktif", "hidup", "nyala", "ya", "true", "up"}
OFFLINE = {"offline", "off", "0", "mati", "tidak aktif", "nonaktif", "tidak", "false", "down", "putus"}
CHECK_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y %H:%M:%S")
ID_CHARS = 128
LABEL_CHARS = 200
URL_CHARS = 2000


class UnreadableError(ValueError):
    """A value no reading makes sense of; the message is the quarantine reason."""


def text(value: object) -> str | None:
    """A value as trimmed, single-spaced text; blank, '-' or null → None."""
    if value is None:
        return None
    s = " ".join(str(value).split())
    return None if s.lower() in BLANK else s


def camera_id(value: object) -> str:
    s = text(value)
    if s is None:
        raise UnreadableError("blank_kode_kamera: kode_kamera is empty")
    if len(s) > ID_CHARS:
        raise UnreadableError(f"oversized_kode_kamera: {len(s):,} characters, at most {ID_CHARS}")
    if UNPRINTABLE.search(s):
        raise UnreadableError("unprintable_kode_kamera: kode_kamera holds control characters")
    return s


def label(value: object, name: str) -> str:
    s = text(value)
    if s is None:
        raise UnreadableError(f"blank_{name}: {name} is empty")
    s = UNPRINTABLE.sub("", s)
    if len(s) > LABEL_CHARS:
        raise UnreadableError(f"oversized_{name}: {len(s):,} characters, at most {LABEL_CHARS}")
    return s


def number(value: object, name: str) -> float | None:
    """'-7,4722' or '-7.4722' → -7.4722; blank → None."""
    s = text(value)
    if s is None:
        return None
    s = s.replace(" ", "")
    if "," in s and "." not in s:
        s = s.replace(",", ".")  # a decimal comma, as Indonesian screens type it
    try:
        x = float(s)
    except ValueError:
        raise UnreadableError(f"unparseable_{name}: {s[:40]!r} is not a number") from None
    if not math.isfinite(x):
        raise UnreadableError(f"unparseable_{name}: {s[:40]!r} is not a finite number")
    return x


def _inside(lat: float, lng: float) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LNG_RANGE[0] <= lng <= LNG_RANGE[1]


def coordinates(lat_value: object, lng_value: object) -> tuple[float | None, float | None]:
    """The camera's (latitude, longitude): swapped back when typed the other way round; (None, None) when
    either is missing (half a position places nothing)."""
    lat, lng = number(lat_value, "latitude"), number(lng_value, "longitude")
    if lat is None or lng is None:
        return None, None
    if _inside(lat, lng):
        return lat, lng
    if _inside(lng, lat):
        return lng, lat
    raise UnreadableError(f"implausible_coordinates: ({lat:g}, {lng:g}) lies outside Indonesia either way round")


def stream_url(value: object) -> str | None:
    s = text(value)
    if s is None:
        return None
    if len(s) > URL_CHARS or " " in s or UNPRINTABLE.search(s) or not s.lower().startswith(STREAM_SCHEMES):
        raise UnreadableError(f"invalid_link_stream: {s[:80]!r} is not an http(s)/rtsp/rtmp address")
    return s


def online(value: object) -> bool:
    """The status word of any of the cameras' firmwares → online or not."""
    s = text(value)
    if s is None:
        raise UnreadableError("blank_kondisi: kondisi is empty, a camera is online or offline")
    word = s.lower()
    if word in ONLINE:
        return True
    if word in OFFLINE:
        return False
    raise UnreadableError(f"unknown_kondisi: {s[:40]!r} is not a status word of the cameras")


def check_time(value: object) -> datetime | None:
    """terakhir_cek (naive legacy local time) in any of the formats seen; None when absent or unreadable."""
    s = text(value)
    if s is None:
        return None
    for fmt in CHECK_FORMATS:
        try:
            return datetime.strptime(s, fmt)
        except ValueError:
            continue
    return None
