"""Does ops-svc's count of dead letters agree with the dead-letter topic's offsets? (pure)

Four figures are compared: the end of the topic as the broker's ListOffsets answers it, the end as the fetch
answers it (the high watermark ops-svc's consumer sees), how far ops-svc has read (its position), and the letters
it keeps. They differ for known reasons, each stated with its size:
- Tansu answers ListOffsets with the first offset of the partition's last record batch + 1, so after a batch of n
  records its "end" is n - 1 short; the fetch's high watermark is right (measured: 180 records in batches, the last
  of 7: ListOffsets 174, high watermark 180, 180 records read). Apache Kafka answers both alike.
- Records not read yet are lag.
- A repeated announcement of a record already kept (a consumer's retry) is one record but no new letter.
- Tansu keeps topics in memory only: after a broker restart the topic starts again at offset 0, while the letters
  kept in PostgreSQL stay; letters beyond what this topic holds were read from an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figures:
    listed_end: int | None  # ListOffsets (latest), summed over partitions; None when the broker did not answer
    high_watermark: int | None  # the fetch's, as ops-svc's consumer last saw it; None before its first batch
    position: int | None  # what ops-svc's group has read (committed)
    letters: int  # letters kept
    announcements: int  # announcements handed to ops-svc since the tally began
    repeats: int  # of which named a record already kept


def explain(f: Figures) -> tuple[bool, list[str]]:
    """(whether the count agrees with the topic, one line per difference and its reason, in Bahasa Indonesia)."""
    lines = []
    end = f.high_watermark if f.high_watermark is not None else f.listed_end
    if f.listed_end is not None and f.high_watermark is not None and f.listed_end != f.high_watermark:
        gap = f.high_watermark - f.listed_end
        lines.append(f"ListOffsets broker menjawab {f.listed_end}, high watermark fetch {f.high_watermark} "
                     f"(selisih {gap}): Tansu menjawab ListOffsets dengan offset pertama batch terakhir + 1; "
                     "yang benar adalah high watermark (Kafka asli menjawab keduanya sama).")
    if end is not None and f.position is not None and f.position < end:
        lines.append(f"{end - f.position} record belum dibaca ops-svc (lag).")
    if f.repeats:
        lines.append(f"{f.repeats} pengumuman berulang untuk record yang sudah disimpan: satu record, tanpa dead "
                     "letter baru.")
    read = f.position if f.position is not None else end
    beyond = f.letters - (read or 0) + f.repeats
    if beyond > 0:
        lines.append(f"{beyond} dead letter lebih banyak daripada record topic ini: dibaca dari topic sebelum broker "
                     "dimulai ulang (Tansu hanya di memori, offset mulai dari 0 lagi; ops-svc menyimpannya di "
                     "PostgreSQL), atau disimpan sebelum penghitungan dimulai.")
    agrees = (end is not None and f.position == end and f.letters + f.repeats == f.position
              and f.listed_end in (None, end))
    return agrees, lines
