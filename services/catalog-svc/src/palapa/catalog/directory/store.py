"""The directory's queries: upsert services and synonym groups, correct typos, search (tables in tables.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..tables import directory_words, services, synonym_groups
from .domain import Service
from .search import SearchQuery
from .synonyms import SynonymGroup, words

TS_CONFIG = "catalog.cari"
SERVICE_FIELDS = ("name", "app_id", "app_name", "opd", "field", "audience", "requirements", "fee", "days", "url",
                  "keywords", "description")
_BODY = ("s.description || ' ' || s.opd || ' ' || s.field || ' ' || "
         "coalesce((SELECT string_agg(r, ' ') FROM jsonb_array_elements_text(s.requirements) AS r), '')")
_HEAD = (f"setweight(to_tsvector('{TS_CONFIG}', s.name), 'A') || "
         f"setweight(to_tsvector('{TS_CONFIG}', s.keywords || ' ' || s.app_name), 'B')")
_SET_DOC = text(
    f"UPDATE catalog.services AS s SET head = {_HEAD}, "
    f"doc = {_HEAD} || setweight(to_tsvector('{TS_CONFIG}', {_BODY}), 'C') "
    "WHERE s.service_id = ANY(:ids)"
).bindparams(bindparam("ids", type_=ARRAY(services.c.service_id.type)))
_ADD_WORDS = text("INSERT INTO catalog.directory_words (word) SELECT unnest(:words) ON CONFLICT DO NOTHING").bindparams(
    bindparam("words", type_=ARRAY(directory_words.c.word.type)))


def _row(s: Service, now: datetime) -> dict:
    return {"service_id": s.service_id, **{f: getattr(s, f) for f in SERVICE_FIELDS},
            "requirements": list(s.requirements),
            "name_key": " ".join(words(s.name)), "updated_at": now}


async def upsert_services(session: AsyncSession, found: Sequence[Service], *, replace: bool = True) -> tuple[int, int]:
    """Insert the services, and refresh known ones when `replace` (else keep the city's edits); (inserted, updated)."""
    if not found:
        return 0, 0
    ids = [s.service_id for s in found]
    known = set((await session.execute(select(services.c.service_id).where(services.c.service_id.in_(ids)))).scalars())
    now = datetime.now(UTC)
    stmt = insert(services)
    if replace:
        fields = (*SERVICE_FIELDS, "name_key", "updated_at")
        stmt = stmt.on_conflict_do_update(index_elements=[services.c.service_id],
                                          set_={f: stmt.excluded[f] for f in fields})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=[services.c.service_id])
    await session.execute(stmt, [_row(s, now) for s in found])
    await session.execute(_SET_DOC, {"ids": ids})
    await _add_words(session, {w for s in found for w in s.lexicon()})
    return len(ids) - len(known), len(known) if replace else 0


async def _add_words(session: AsyncSession, words: Iterable[str]) -> None:
    ordered = sorted(words)
    if ordered:
        await session.execute(_ADD_WORDS, {"words": ordered})


async def delete_service(session: AsyncSession, service_id: str) -> bool:
    result = await session.execute(delete(services).where(services.c.service_id == service_id))
    return result.rowcount > 0


async def put_synonyms(session: AsyncSession, groups: Sequence[SynonymGroup], *, replace: bool = True) -> None:
    """Insert (or, with `replace`, overwrite) synonym groups; their words join the typo lexicon."""
    if not groups:
        return
    now = datetime.now(UTC)
    stmt = insert(synonym_groups)
    stmt = (stmt.on_conflict_do_update(index_elements=[synonym_groups.c.group_id],
                                       set_={"terms": stmt.excluded.terms, "updated_at": now})
            if replace else stmt.on_conflict_do_nothing(index_elements=[synonym_groups.c.group_id]))
    await session.execute(stmt, [{"group_id": g.group_id, "terms": list(g.terms), "updated_at": now} for g in groups])
    await _add_words(session, {w for g in groups for t in g.terms for w in t.split() if 4 <= len(w) <= 40})


async def delete_synonyms(session: AsyncSession, group_id: str) -> bool:
    result = await session.execute(delete(synonym_groups).where(synonym_groups.c.group_id == group_id))
    return result.rowcount > 0


async def all_synonyms(session: AsyncSession) -> list[SynonymGroup]:
    rows = (await session.execute(select(synonym_groups).order_by(synonym_groups.c.group_id))).all()
    return [SynonymGroup(r.group_id, tuple(r.terms)) for r in rows]


async def count_services(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(services))


_CORRECT = text(f"""
SELECT w, CASE WHEN NOT EXISTS (SELECT 1 FROM catalog.services s WHERE s.doc @@ plainto_tsquery('{TS_CONFIG}', w))
       THEN (SELECT d.word FROM catalog.directory_words d WHERE d.word % w ORDER BY d.word <-> w, d.word LIMIT 1)
       END AS nearest
FROM unnest(:ws) AS w
""").bindparams(bindparam("ws", type_=ARRAY(directory_words.c.word.type)))


async def corrections(session: AsyncSession, candidates: list[str]) -> dict[str, str]:
    """For each word no service's text has (after stemming), the closest known word by trigram similarity."""
    if not candidates:
        return {}
    rows = (await session.execute(_CORRECT, {"ws": candidates})).all()
    return {w: near for w, near in rows if near and near != w}


def _tsquery(segments: Sequence[tuple[str, ...]], params: dict) -> tuple[str, str]:
    """(any segment, every segment) as SQL over bound phrases; a segment is any of its alternatives (all its words)."""
    parts = []
    for seg in segments:
        alts = []
        for phrase in seg:
            key = f"p{len(params)}"
            params[key] = phrase
            alts.append(f"plainto_tsquery('{TS_CONFIG}', :{key})")
        parts.append("(" + " || ".join(alts) + ")")
    return " || ".join(parts), " && ".join(parts)


_COLUMNS = ("s.service_id, s.name, s.app_id, s.app_name, s.opd, s.field, s.audience, s.requirements, s.fee, s.days, "
            "s.url, s.description")


async def search(session: AsyncSession, query: SearchQuery, segments: Sequence[tuple[str, ...]]) -> list:
    """Matching services, best first: exact name, then every word found, then text rank (ts_rank), then name.
    Services whose name or keywords match come before those matched only in their description or requirements;
    the second set is read only when the first has fewer than `limit` services."""
    params: dict = {"text": query.text, "limit": query.limit}
    filters = []
    if query.opd:
        filters.append("lower(s.opd) = lower(:opd)")
        params["opd"] = query.opd
    if query.field:
        filters.append("s.field = lower(:field)")
        params["field"] = query.field
    if query.audience:
        filters.append("s.audience = :audience")
        params["audience"] = query.audience
    where = "".join(f" AND {f}" for f in filters)
    if not query.text:
        found = (f"SELECT {_COLUMNS}, row_number() OVER (ORDER BY s.name) AS pos FROM catalog.services s "
                 f"WHERE TRUE{where} ORDER BY s.name LIMIT :limit")
        sql = f"WITH found AS ({found})"
    elif not segments:  # only filler words ("bagaimana cara"): nothing to look for
        return []
    else:
        qor, qand = _tsquery(segments, params)
        order = "(s.name_key = :text) DESC, (s.doc @@ q.qand) DESC, ts_rank(s.doc, q.qor) DESC, s.name"
        # `rest` is read only when `head` has fewer than `limit` (a one-time filter: no scan otherwise)
        sql = f"""
WITH q AS MATERIALIZED (SELECT {qor} AS qor, {qand} AS qand),
head AS MATERIALIZED (
  SELECT {_COLUMNS}, row_number() OVER (ORDER BY {order}) AS pos FROM catalog.services s, q
  WHERE s.head @@ q.qor{where} ORDER BY {order} LIMIT :limit),
rest AS (
  SELECT {_COLUMNS}, :limit + row_number() OVER (ORDER BY {order}) AS pos FROM catalog.services s, q
  WHERE (SELECT count(*) FROM head) < :limit AND s.doc @@ q.qor AND NOT (s.head @@ q.qor){where}
  ORDER BY {order} LIMIT :limit),
found AS (SELECT * FROM head UNION ALL SELECT * FROM rest)"""
    sql += """
SELECT f.*, coalesce(a.bridge, b.bridge) AS bridge FROM found f
LEFT JOIN catalog.apps a ON a.app_id = f.app_id
LEFT JOIN catalog.bridges b ON b.app_id = f.app_id AND b.last_heartbeat_at IS NOT NULL
ORDER BY f.pos LIMIT :limit"""
    return (await session.execute(_statement(sql), params)).all()


@lru_cache(maxsize=512)
def _statement(sql: str):
    """The parsed statement of one query shape (segments, alternatives, filters): parsed once, not per search."""
    return text(sql)


async def one_service(session: AsyncSession, service_id: str):
    sql = text("""
SELECT s.service_id, s.name, s.app_id, s.app_name, s.opd, s.field, s.audience, s.requirements, s.fee, s.days,
       s.url, s.description, coalesce(a.bridge, b.bridge) AS bridge
FROM catalog.services s
LEFT JOIN catalog.apps a ON a.app_id = s.app_id
LEFT JOIN catalog.bridges b ON b.app_id = s.app_id AND b.last_heartbeat_at IS NOT NULL
WHERE s.service_id = :id""")
    return (await session.execute(sql, {"id": service_id})).first()
