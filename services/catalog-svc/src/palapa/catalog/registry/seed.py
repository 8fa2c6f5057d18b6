"""Mojokerto's five pilot apps and the YAML-onboarded puskesmas queue (deploy/bridges/) in the catalog, loaded at
every start (an upsert, so edits here win). Each carries its census classification as the OPD census form would
(kind, field; the consolidation target follows from them), so the rationalization report counts them on a first
run; a census import may reclassify them later, and the seed then leaves that classification alone."""

from __future__ import annotations

import dataclasses

from ..census.parse import consolidation
from .domain import App


def _classified(app: App, kind: str, field: str) -> App:
    super_app, cluster = consolidation(kind, app.audience, field, app.lifecycle)
    return dataclasses.replace(app, kind=kind, field=field, super_app=super_app, cluster=cluster)

_APPS: tuple[App, ...] = (
    App(
        app_id="si-makel", name="Si Makel", opd="BAGPEM", audience="pegawai", channel="web", status="aktif",
        description="Aplikasi Bagian Pemerintahan Setda untuk administrasi pemerintahan kelurahan dan kecamatan.",
    ),
    App(
        app_id="cctv", name="CCTV Kota Mojokerto", opd="DISHUB", audience="warga", channel="web", status="aktif",
        description="Pantauan kamera CCTV lalu lintas di persimpangan dan jalan utama kota oleh Dinas Perhubungan.",
    ),
    App(
        app_id="curhat-ning-ita", name="Curhat Ning Ita", opd="DISKOMINFO", audience="warga", channel="web",
        status="aktif", bridge="bridge-curhat", heartbeat_seconds=10.0,
        description="Pengaduan dan aspirasi warga langsung kepada Wali Kota Mojokerto; diteruskan ke OPD terkait.",
    ),
    App(
        app_id="psc-119", name="PSC 119", opd="DINKES", audience="warga", channel="telepon", status="aktif",
        description="Layanan gawat darurat medis Public Safety Center 119 Dinas Kesehatan, siaga 24 jam.",
    ),
    App(
        app_id="cek-pbb", name="Cek PBB", opd="BAPENDA", audience="warga", channel="web", status="aktif",
        description="Cek tagihan dan status pembayaran Pajak Bumi dan Bangunan (PBB) di Badan Pendapatan Daerah.",
    ),
    App(  # the sixth, bridged by a YAML file alone (bridge-mapped); its id is the file's app_id
        app_id="puskesmas-antrian", name="Antrian Puskesmas", opd="DINKES", audience="warga", channel="web",
        status="aktif", description="Nomor antrean pasien puskesmas Dinas Kesehatan yang dipanggil di loket dan poli.",
    ),
)

#: (kind, field) of each, as the census form's "Jenis Aplikasi" and "Bidang Layanan" would say
_CENSUS = {
    "si-makel": ("administrasi pemerintahan", "persuratan"),
    "cctv": ("layanan publik", "transportasi"),
    "curhat-ning-ita": ("layanan publik", "pengaduan"),
    "psc-119": ("layanan publik", "kesehatan"),
    "cek-pbb": ("layanan publik", "pajak"),
    "puskesmas-antrian": ("layanan publik", "kesehatan"),
}

SEED: tuple[App, ...] = tuple(_classified(app, *_CENSUS[app.app_id]) for app in _APPS)
