"""Open311 GeoReport v2: the services a client can file under (the spec's service list and its attributes), pure."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attribute:
    """One extra question of a service definition (GeoReport `attributes`)."""

    code: str
    description: str
    datatype: str = "string"  # string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool = False
    order: int = 1
    values: tuple[tuple[str, str], ...] = ()  # (key, name) for the list types


@dataclass(frozen=True)
class Service:
    """A kind of complaint a client can file; `category` is what complaint-svc routes on."""

    code: str
    name: str
    description: str
    group: str
    category: str
    keywords: tuple[str, ...] = ()
    attributes: tuple[Attribute, ...] = field(default_factory=tuple)


_SEVERITY = Attribute("tingkat", "Seberapa mendesak?", "singlevaluelist", required=False, order=1,
                      values=(("ringan", "Ringan"), ("sedang", "Sedang"), ("berat", "Berat / membahayakan")))

SERVICES: tuple[Service, ...] = (
    Service("jalan-rusak", "Jalan rusak atau berlubang", "Kerusakan jalan, trotoar atau jembatan.",
            "Infrastruktur", "jalan rusak", ("jalan", "lubang", "aspal", "trotoar"), (_SEVERITY,)),
    Service("banjir", "Banjir dan saluran air", "Genangan, banjir, saluran atau drainase tersumbat.",
            "Infrastruktur", "banjir", ("genangan", "drainase", "got"), (_SEVERITY,)),
    Service("sampah", "Sampah dan kebersihan", "Sampah menumpuk, belum diangkut, atau dibuang sembarangan.",
            "Lingkungan", "sampah", ("kebersihan", "tps")),
    Service("pohon-tumbang", "Pohon tumbang", "Pohon tumbang atau rawan tumbang.", "Lingkungan",
            "pohon tumbang", ("pohon", "ranting"), (_SEVERITY,)),
    Service("lampu-jalan", "Lampu penerangan jalan mati", "Lampu penerangan jalan umum (PJU) mati atau rusak.",
            "Perhubungan", "penerangan jalan", ("pju", "lampu"),
            (Attribute("nomor-tiang", "Nomor tiang lampu (jika terlihat)", "string", required=False, order=1),)),
    Service("lalu-lintas", "Lalu lintas dan parkir", "Lampu lalu lintas, rambu, atau parkir liar.",
            "Perhubungan", "lalu lintas", ("parkir", "rambu", "macet")),
    Service("kesehatan", "Pelayanan kesehatan", "Pelayanan puskesmas, rumah sakit daerah, atau DBD.",
            "Kesehatan", "kesehatan", ("puskesmas", "dbd", "rumah sakit")),
    Service("pendidikan", "Pendidikan", "Sekolah negeri, PPDB, atau fasilitas sekolah.", "Pendidikan",
            "pendidikan", ("sekolah", "ppdb")),
    Service("adminduk", "Administrasi kependudukan", "KTP-el, kartu keluarga, akta, dan pindah datang.",
            "Kependudukan", "administrasi kependudukan", ("ktp", "kk", "akta")),
    Service("ketertiban", "Ketertiban umum", "Gangguan ketertiban, PKL, atau keamanan lingkungan.",
            "Ketertiban", "ketertiban", ("pkl", "keamanan")),
    Service("lainnya", "Lainnya", "Keluhan lain; petugas akan meneruskannya ke OPD yang tepat.", "Lainnya",
            "lainnya", ()),
)
SERVICE_BY_CODE = {s.code: s for s in SERVICES}
SERVICE_BY_CATEGORY = {s.category: s for s in SERVICES}
