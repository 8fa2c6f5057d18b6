"""Generated catalogs for the search and census-import benchmarks, and what citizens type into the search."""

from __future__ import annotations

import random

SERVICE_HEADER = ("ID Layanan;Nama Layanan;ID Aplikasi;Nama Aplikasi;OPD;Bidang;Sasaran;Persyaratan;Biaya;Hari Kerja;"
                  "Alamat URL;Kata Kunci;Keterangan")
CENSUS_HEADER = ("No;Nama Aplikasi;OPD Pengelola;Alamat URL;Jenis Aplikasi;Sasaran Pengguna;Bidang Layanan;Status;"
                 "Keterangan")
VERBS = ("Pembuatan", "Penerbitan", "Perubahan", "Pendaftaran", "Permohonan", "Perpanjangan", "Pengaduan",
         "Pelaporan", "Pemeriksaan", "Rekomendasi", "Legalisir", "Bantuan", "Izin", "Surat Keterangan", "Konsultasi")
THINGS = ("KTP-el", "Kartu Keluarga", "Akta Kelahiran", "Akta Kematian", "Kartu Identitas Anak", "Surat Pindah",
          "PBB", "BPHTB", "Pajak Reklame", "Pajak Restoran", "Pajak Hotel", "Retribusi Pasar", "NIB", "PBG",
          "Izin Usaha Mikro", "Izin Praktik Dokter", "Izin Apotek", "Sertifikat Higiene", "SKTM", "DTKS",
          "Bantuan Sosial", "Beasiswa", "PPDB", "Kartu Pencari Kerja", "Pelatihan Kerja", "Uji KIR", "Parkir",
          "Trayek Angkutan", "Lampu Jalan", "Jalan Rusak", "Saluran Air", "Sampah", "Pohon Tumbang", "Banjir",
          "Kebakaran", "Ambulans", "Imunisasi", "Antrian Puskesmas", "Posyandu", "Vaksinasi Hewan", "Air Bersih",
          "Rumah Tidak Layak Huni", "Makam", "Domisili", "Ahli Waris", "Usaha", "Belum Menikah", "SKCK", "Keramaian")
PLACES = ("Prajurit Kulon", "Surodinawan", "Blooto", "Mentikan", "Kranggan", "Pulorejo", "Magersari", "Gedongan",
          "Gunung Gedangan", "Kedundung", "Balongsari", "Wates", "Miji", "Meri", "Jagalan", "Sentanan", "Purwotengah",
          "Kauman")
OPDS = ("DISPENDUKCAPIL", "DINKES", "BAPENDA", "DPMPTSP", "DINSOS", "DISHUB", "BAGPEM", "DISKOMINFO", "DPUPR",
        "DIKBUD", "DISNAKER", "BPBD", "DLH", "SATPOLPP", "PERKIM", "DISPERINDAG")
FIELDS = ("administrasi kependudukan", "kesehatan", "pajak", "perizinan", "kemiskinan", "transportasi",
          "pemerintahan", "pengaduan", "pendidikan", "ketenagakerjaan", "kebencanaan", "lingkungan")
REQUIREMENTS = ("KTP-el", "Kartu Keluarga", "Surat pengantar RT/RW", "Pas foto 3x4", "Formulir permohonan", "NPWP",
                "Sertifikat tanah", "Bukti lunas PBB", "Surat keterangan dokter", "Akta kelahiran", "Ijazah terakhir")
#: What citizens type: the search-quality table's queries, several words, typos, filler words
QUERIES = ("KTP", "kartu tanda penduduk", "bikin ktp baru", "ktp hilang", "pengaduan", "mengadukan jalan rusak",
           "aduan", "ambulans", "ambulan", "gawat darurat", "PSC 119", "PBB", "pajak bumi dan bangunan", "bayar pbb",
           "SKTM", "surat keterangan tidak mampu", "akte kelahiran", "akta lahir anak", "kependudukn", "kartu keluarga",
           "IMB", "izin usaha", "antrian puskesmas", "bansos", "surat domisili prajurit kulon", "lampu jalan mati",
           "kebakaran", "kartu kuning", "imunisasi bayi", "bagaimana cara membuat akta kematian", "pajak restoran",
           "izin praktik dokter", "sampah", "beasiswa sekolah", "uji kir", "surat keterangan usaha kauman")


def services_csv(n: int, seed: int = 10) -> bytes:
    """N generated services across the city's OPDs and kelurahan (deterministic)."""
    rng = random.Random(seed)
    lines = [SERVICE_HEADER]
    for i in range(n):
        verb, thing, place = rng.choice(VERBS), rng.choice(THINGS), rng.choice(PLACES)
        opd, field = rng.choice(OPDS), rng.choice(FIELDS)
        reqs = "|".join(rng.sample(REQUIREMENTS, rng.randint(1, 4)))
        fee = rng.choice((0, 0, 0, 5000, 10000, 50000, ""))
        name = f"{verb} {thing} {place} {i}"
        lines.append(f"svc-{i};{name};app-{i % 300};Aplikasi {opd.title()} {i % 300};{opd};{field};Masyarakat;{reqs};"
                     f"{fee};{rng.randint(0, 30)};https://layanan{i % 300}.mojokertokota.go.id;"
                     f"{thing.lower()} {place.lower()};"
                     f"Layanan {verb.lower()} {thing} untuk warga Kelurahan {place}, dikelola {opd}.")
    return ("\n".join(lines) + "\n").encode()


def census_csv(n: int, seed: int = 11) -> bytes:
    """A census of N apps as an OPD census form (deterministic)."""
    rng = random.Random(seed)
    kinds = ("Layanan Publik", "Administrasi Pemerintahan", "Website Profil")
    fields = ("Kesehatan", "Pendidikan", "Kemiskinan", "Pengaduan", "Perizinan", "Keuangan", "Kepegawaian")
    lines = [CENSUS_HEADER]
    for i in range(1, n + 1):
        lines.append(f"{i};Aplikasi {rng.choice(THINGS)} {i};{rng.choice(OPDS)};https://app{i}.kota.go.id;"
                     f"{rng.choice(kinds)};{rng.choice(('Masyarakat', 'Internal Pemerintah'))};{rng.choice(fields)};"
                     f"{rng.choice(('Aktif', 'Aktif', 'Tidak Aktif'))};")
    return ("\n".join(lines) + "\n").encode()


#: how citizens start a search ("" twice: often just the thing itself)
ASKS = ("", "", "cara", "syarat", "bikin", "urus", "daftar", "buat", "mengurus", "gimana", "minta", "lapor", "cek",
        "bayar", "perpanjang", "info")


def citizen_queries(n: int, seed: int = 12) -> list[str]:
    """`n` distinct searches as many citizens type them: an opening word, a thing (a typo in one of ten), a
    kelurahan in one of three; QUERIES first (the searches everyone makes), in rank order."""
    rng = random.Random(seed)
    found = dict.fromkeys(q.casefold() for q in QUERIES)
    while len(found) < n:
        thing = rng.choice(THINGS).lower()
        if rng.random() < 0.1 and len(thing) > 4:  # a letter dropped
            cut = rng.randrange(1, len(thing) - 1)
            thing = thing[:cut] + thing[cut + 1:]
        words = [rng.choice(ASKS), thing, rng.choice(PLACES).lower() if rng.random() < 0.33 else ""]
        found.setdefault(" ".join(w for w in words if w), None)
    return list(found)[:n]


def zipf_draws(queries: list[str], count: int, s: float = 1.0, seed: int = 13) -> list[str]:
    """`count` searches drawn from `queries` by rank with Zipf's law (weight 1/rank**s): a few are asked all day,
    most are asked once in a while, as in any search log."""
    rng = random.Random(seed)
    weights = [1 / (rank ** s) for rank in range(1, len(queries) + 1)]
    return rng.choices(queries, weights=weights, k=count)
