"""The legacy apps' tables, made before their bridges read them (the PHP apps' installers would)."""

from __future__ import annotations


async def prepare_legacy(curhat_url: str, pbb_url: str) -> None:
    """Curhat Ning Ita's tb_pengaduan and BPKPD's PBB payments table, each in its own database."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from palapa.curhat_legacy import create as create_curhat
    from palapa.pbb_legacy import create as create_pbb

    for url, create in ((curhat_url, create_curhat), (pbb_url, create_pbb)):
        engine = create_async_engine(url)
        try:
            await create(engine)
        finally:
            await engine.dispose()
