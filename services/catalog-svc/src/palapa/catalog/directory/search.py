"""A citizen's search, checked and turned into words before the database sees it (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from ..registry.domain import AUDIENCES, BadSearchError
from .synonyms import STOPWORDS, words

MAX_QUERY = 200
MAX_WORDS = 12
MAX_FILTER = 64
DEFAULT_LIMIT = 10
MAX_LIMIT = 50


@dataclass(frozen=True)
class SearchQuery:
    text: str  # the query folded to its words, space-separated ("" lists every service)
    words: tuple[str, ...]
    opd: str | None = None
    field: str | None = None
    audience: str | None = None
    limit: int = DEFAULT_LIMIT

    def typo_candidates(self, known: set[str]) -> list[str]:
        """Words worth checking against the index for a typo: not filler, not a synonym, not a number."""
        return sorted({w for w in self.words if w not in STOPWORDS and w not in known and len(w) >= 4
                       and not w.isdigit()})


def _filter(value: str | None, name: str) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > MAX_FILTER or any(ord(ch) < 32 for ch in value):
        raise BadSearchError(f"invalid_{name}", f"{name} paling banyak {MAX_FILTER} karakter, tanpa karakter kendali")
    return " ".join(value.split())


def check(q: str | None, opd: str | None = None, field: str | None = None, audience: str | None = None,
          limit: str | None = None) -> SearchQuery:
    """The search as the directory runs it; BadSearchError names the first bad parameter."""
    q = q or ""
    if len(q) > MAX_QUERY:
        raise BadSearchError("query_too_long", f"Teks pencarian paling banyak {MAX_QUERY} karakter")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in q):
        raise BadSearchError("invalid_query", "Teks pencarian berisi karakter kendali")
    if audience is not None and audience.strip() and audience.strip() not in AUDIENCES:
        raise BadSearchError("invalid_audience", "audience harus 'warga' atau 'pegawai'")
    n = DEFAULT_LIMIT
    if limit is not None and limit.strip():
        raw = limit.strip()
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
            raise BadSearchError("invalid_limit", f"limit harus bilangan 1 sampai {MAX_LIMIT}")
        n = int(raw)
    found = tuple(words(q)[:MAX_WORDS])
    return SearchQuery(text=" ".join(found), words=found, opd=_filter(opd, "opd"), field=_filter(field, "field"),
                       audience=(audience or "").strip() or None, limit=n)
