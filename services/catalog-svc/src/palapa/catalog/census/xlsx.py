"""Read a census sent as XLSX (bytes in memory): the first worksheet's rows go through the CSV's row checks."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator

import openpyxl

from . import parse
from .parse import Census, CensusFileError

ZIP = b"PK\x03\x04"
#: An encrypted (password-protected) XLSX, or an old .xls, is an OLE2 compound file, not a zip.
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: A city's census is a few thousand rows; a sheet with data further down is not a census form.
MAX_ROWS = 20_000
#: Excel's own last row: a sheet claiming rows beyond it is forged (and would make us walk empty rows forever).
EXCEL_ROWS = 1_048_576
#: Cells read per row: enough to count a too-wide row, never the 16,384 columns a sheet may claim.
MAX_COLS = 64
#: The unzipped size of the whole workbook: a small upload must not unpack into gigabytes (a zip bomb).
MAX_UNZIPPED = 200 * 1024 * 1024


def is_spreadsheet(data: bytes) -> bool:
    """True when the body is a zip (XLSX) or an OLE2 file (password-protected XLSX, old XLS)."""
    return data.startswith(ZIP) or data.startswith(OLE2)


def text(value: object) -> str:
    """A cell as the text an OPD typed: whole numbers without '.0', dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _rows(sheet) -> Iterator[tuple[int, list[str]]]:
    for line, values in enumerate(sheet.iter_rows(max_col=MAX_COLS, values_only=True), start=1):
        if line > EXCEL_ROWS:
            raise CensusFileError("Lembar XLSX rusak: nomor baris melebihi batas Excel")
        if all(v is None for v in values):
            continue
        cells = [text(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()  # a sheet pads every row to its widest: trailing empty cells are no cells
        if not cells:
            continue
        # and an empty cell at the end of a row is still a column of the form: only data beyond it is too wide
        cells += [""] * (len(parse.COLUMNS) - len(cells))
        if line > MAX_ROWS:
            raise CensusFileError(f"Lembar sensus lebih dari {MAX_ROWS:,} baris (baris {line:,} berisi data)"
                                  .replace(",", "."))
        yield line, cells


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CensusFileError(f"Berkas XLSX rusak: bukan arsip zip yang utuh ({exc})") from exc
    if unzipped > MAX_UNZIPPED:
        raise CensusFileError(f"Berkas XLSX terurai lebih dari {MAX_UNZIPPED // 2**20} MB: bukan lembar sensus")


def parse_xlsx(data: bytes) -> Census:
    """Every app of the workbook's first worksheet, rows refused by their sheet row number; else CensusFileError."""
    if data.startswith(OLE2):
        raise CensusFileError("Berkas terkunci kata sandi atau berformat XLS lama: buka di Excel, hapus kata sandi, "
                              "simpan sebagai .xlsx (atau CSV), lalu kirim ulang")
    _check_zip(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file; each is a refused file, never a crash
        raise CensusFileError(f"Berkas XLSX rusak atau bukan buku kerja Excel ({type(exc).__name__})") from exc
    try:
        if not book.worksheets:
            raise CensusFileError("Berkas XLSX tidak berisi lembar kerja")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the sheet's stated size may lie; read until its real last row
        return parse.read_rows(_rows(sheet), Census(encoding="utf-8", delimiter="", format="xlsx"))
    except CensusFileError:
        raise
    except Exception as exc:  # rows are parsed lazily: broken XML inside the sheet surfaces here
        raise CensusFileError(f"Lembar XLSX rusak dan tidak dapat dibaca ({type(exc).__name__})") from exc
    finally:
        book.close()


def parse_any(data: bytes) -> Census:
    """A census body as sent: XLSX when it is a spreadsheet, CSV otherwise."""
    return parse_xlsx(data) if is_spreadsheet(data) else parse.parse(data)
