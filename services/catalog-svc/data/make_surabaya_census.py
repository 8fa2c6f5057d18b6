"""Write surabaya-census.csv: a census of Surabaya's 322 apps shaped to reproduce the published figures.

The apps are invented (numbered per field); their counts are Surabaya's: 212 internal / 110 public; 286 service
apps (217 active, 69 inactive) and 36 profile websites (32 active, 4 inactive); of the 217 active service apps,
65 in the five public fields (22 health, 27 education, 5 poverty, 4 complaints, 7 licensing), 123 for government
administration and 29 other public services. Run: `uv run python services/catalog-svc/data/make_surabaya_census.py`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

OUT = Path(__file__).with_name("surabaya-census.csv")
HEADER = ["No", "Nama Aplikasi", "OPD Pengelola", "Alamat URL", "Jenis Aplikasi", "Sasaran Pengguna",
          "Bidang Layanan", "Status", "Keterangan"]
OPD = {
    "Kesehatan": "Dinas Kesehatan", "Pendidikan": "Dinas Pendidikan", "Kemiskinan": "Dinas Sosial",
    "Pengaduan": "Dinas Komunikasi dan Informatika", "Perizinan": "DPMPTSP",
    "Kependudukan": "Dispendukcapil", "Pajak": "Bapenda", "Transportasi": "Dinas Perhubungan",
    "Lingkungan": "Dinas Lingkungan Hidup", "Pariwisata": "Disbudporapar",
    "Pengawasan": "Inspektorat", "Kepegawaian": "BKPSDM", "Perencanaan": "Bappedalitbang",
    "Keuangan": "BPKAD", "Pengadaan": "Bagian Pengadaan Barang/Jasa", "Persuratan": "Sekretariat Daerah",
    "Aset": "BPKAD", "Profil": "Dinas Komunikasi dan Informatika",
}
PUBLIC, ADMIN, WEBSITE = "Layanan Publik", "Administrasi Pemerintahan", "Website Profil"
CITIZENS, STAFF = "Masyarakat", "Internal Pemerintah"
ON, OFF = "Aktif", "Tidak Aktif"
#: (how many, kind, audience, status, fields taken in turn)
GROUPS = [
    (22, PUBLIC, CITIZENS, ON, ["Kesehatan"]),
    (27, PUBLIC, CITIZENS, ON, ["Pendidikan"]),
    (5, PUBLIC, CITIZENS, ON, ["Kemiskinan"]),
    (4, PUBLIC, CITIZENS, ON, ["Pengaduan"]),
    (7, PUBLIC, CITIZENS, ON, ["Perizinan"]),
    (29, PUBLIC, CITIZENS, ON, ["Kependudukan", "Pajak", "Transportasi", "Lingkungan", "Pariwisata"]),
    (123, ADMIN, STAFF, ON, ["Pengawasan", "Kepegawaian", "Perencanaan", "Keuangan", "Pengadaan", "Persuratan",
                             "Aset"]),
    (6, PUBLIC, CITIZENS, OFF, ["Kesehatan", "Pendidikan", "Kependudukan"]),
    (63, ADMIN, STAFF, OFF, ["Kepegawaian", "Keuangan", "Perencanaan", "Persuratan"]),
    (9, WEBSITE, CITIZENS, ON, ["Profil"]),
    (1, WEBSITE, CITIZENS, OFF, ["Profil"]),
    (23, WEBSITE, STAFF, ON, ["Profil"]),
    (3, WEBSITE, STAFF, OFF, ["Profil"]),
]
WORD = {PUBLIC: "Layanan", ADMIN: "Sistem", WEBSITE: "Website"}


def rows() -> list[list[str]]:
    """The census rows, numbered from 1, the same on every run."""
    out, serial = [], {}
    for count, kind, audience, status, fields in GROUPS:
        for i in range(count):
            bidang = fields[i % len(fields)]
            n = serial[(kind, bidang)] = serial.get((kind, bidang), 0) + 1
            name = f"{WORD[kind]} {bidang} {n:03d}" + (" Warga" if audience == CITIZENS and kind == WEBSITE else "")
            url = f"https://{bidang.lower()}{n}.surabaya.go.id"
            note = "" if status == ON else "Tidak diperbarui sejak 2021; server dimatikan"
            out.append([str(len(out) + 1), name, OPD[bidang], url, kind, audience,
                        "" if kind == WEBSITE else bidang, status, note])
    return out


def render() -> bytes:
    """The census as an OPD sends it: semicolon-separated, UTF-8."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows())
    return buf.getvalue().encode("utf-8")


if __name__ == "__main__":
    OUT.write_bytes(render())
    print(f"{OUT}: {len(rows())} apps")
