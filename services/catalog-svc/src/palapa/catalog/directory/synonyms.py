"""Words of a citizen's query, and the city's abbreviations and synonyms applied to them (pure).

A synonym group is a set of phrases that mean the same service ("ktp" ~ "kartu tanda penduduk" ~ "ktp-el").
The groups are data the city edits through the API; this module only matches them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

GROUP_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
MAX_TERMS = 30
MAX_TERM_LENGTH = 80
_WORD = re.compile(r"[0-9a-z]+")

#: Filler words of spoken queries ("bagaimana cara membuat ktp"): never searched on their own. The
#: `indonesian` snowball configuration has no stop word list, so the query side drops them here.
STOPWORDS = frozenset("""
ada adalah agar akan aku apa apakah atau bagaimana bagi bapak begitu belum bisa cara dalam dan dari dengan
di dimana gimana ibu ingin ini itu jika juga kak kalau kami kapan ke kenapa kita mau mana mohon nya oleh pada
saya segera sudah supaya tentang tolong untuk yang
""".split())


def fold(text: str) -> str:
    """Lower case without accents ("Café" → "cafe"), the way both the query and the index see text."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    """The words of a text: letters and digits, folded; punctuation, quotes and symbols separate words."""
    return _WORD.findall(fold(text))


class InvalidSynonymsError(ValueError):
    """A synonym group the directory cannot use (the message says why, in Bahasa Indonesia)."""


@dataclass(frozen=True)
class SynonymGroup:
    """Phrases that name the same thing; each kept as its words ("KTP-el" → ("ktp", "el"))."""

    group_id: str
    terms: tuple[str, ...]

    @classmethod
    def of(cls, group_id: str, terms: Iterable[str]) -> SynonymGroup:
        """Check and normalize a group: at least two distinct phrases, each with a word."""
        if not GROUP_ID.fullmatch(group_id or ""):
            raise InvalidSynonymsError("id grup hanya huruf kecil, angka dan '-', 2 sampai 64 karakter")
        cleaned: list[str] = []
        for term in terms:
            if not isinstance(term, str) or len(term) > MAX_TERM_LENGTH:
                raise InvalidSynonymsError(f"setiap istilah berupa teks paling banyak {MAX_TERM_LENGTH} karakter")
            phrase = " ".join(words(term))
            if not phrase:
                raise InvalidSynonymsError(f"istilah {term[:40]!r} tidak berisi kata")
            if phrase not in cleaned:
                cleaned.append(phrase)
        if len(cleaned) < 2:
            raise InvalidSynonymsError("satu grup sinonim berisi paling sedikit dua istilah yang berbeda")
        if len(cleaned) > MAX_TERMS:
            raise InvalidSynonymsError(f"satu grup sinonim berisi paling banyak {MAX_TERMS} istilah")
        return cls(group_id, tuple(cleaned))


def vocabulary(groups: Iterable[SynonymGroup]) -> set[str]:
    """Every word of every term: such a word is known, never corrected as a typo."""
    return {w for g in groups for t in g.terms for w in t.split()}


def expand(query_words: list[str], groups: Iterable[SynonymGroup]) -> list[tuple[str, ...]]:
    """The query as segments, each a tuple of alternative phrases: a matched synonym phrase becomes all of its
    group's phrases (longest match first); any other word stands for itself; filler words are dropped."""
    by_first: dict[str, list[tuple[tuple[str, ...], SynonymGroup]]] = {}
    for group in groups:
        for term in group.terms:
            seq = tuple(term.split())
            by_first.setdefault(seq[0], []).append((seq, group))
    for options in by_first.values():
        options.sort(key=lambda o: -len(o[0]))
    segments: list[tuple[str, ...]] = []
    i = 0
    while i < len(query_words):
        match = next(
            ((seq, g) for seq, g in by_first.get(query_words[i], ()) if tuple(query_words[i:i + len(seq)]) == seq),
            None,
        )
        if match is not None:
            seq, group = match
            segments.append(group.terms)
            i += len(seq)
            continue
        if query_words[i] not in STOPWORDS:
            segments.append((query_words[i],))
        i += 1
    return _dedupe(segments)


def _dedupe(segments: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    seen: set[tuple[str, ...]] = set()
    return [s for s in segments if not (s in seen or seen.add(s))]
