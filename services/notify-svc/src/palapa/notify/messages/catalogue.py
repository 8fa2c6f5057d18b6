"""The templates notify-svc starts with (pure data): one per kind of message the platform sends by itself.

Seeded at start when missing; the city edits them through the template API (each edit a new version).
`whatsapp_name` is the template approved at the provider (utility or authentication category).
"""

from __future__ import annotations

from .policy import Kind
from .templates import Template, Text


def _t(template_id: str, kind: Kind, fields: tuple[str, ...], id_: str, en: str, subject: tuple[str, str] | None = None,
       whatsapp: str | None = None, critical: bool = False) -> Template:
    subject_id, subject_en = subject or (None, None)
    return Template(template_id, 1, kind, fields, {"id": Text(id_, subject_id), "en": Text(en, subject_en)},
                    whatsapp or template_id.replace("-", "_"), critical)


DEFAULT_TEMPLATES: tuple[Template, ...] = (
    _t("tax-bill-due", Kind.TAX_DUE, ("nop", "due"),
       "Tagihan PBB NOP ((nop)) jatuh tempo pada ((due)) dan belum lunas. Abaikan pesan ini bila sudah membayar.",
       "The property tax (PBB) bill of NOP ((nop)) is due on ((due)) and unpaid. Ignore this if you have paid.",
       ("Tagihan PBB jatuh tempo ((due))", "Property tax due ((due))"), whatsapp="tagihan_pbb_jatuh_tempo"),
    _t("complaint-received", Kind.COMPLAINT_RECEIVED, ("ticket", "link"),
       "Aduan Anda diterima dengan nomor tiket ((ticket)). Pantau perkembangannya di ((link))",
       "Your complaint was received as ticket ((ticket)). Follow it at ((link))",
       ("Aduan ((ticket)) diterima", "Complaint ((ticket)) received")),
    _t("complaint-forwarded", Kind.COMPLAINT_FORWARDED, ("ticket", "opd", "link"),
       "Aduan ((ticket)) telah diteruskan ke ((opd)). Pantau di ((link))",
       "Complaint ((ticket)) was forwarded to ((opd)). Follow it at ((link))",
       ("Aduan ((ticket)) diteruskan", "Complaint ((ticket)) forwarded")),
    _t("complaint-in-progress", Kind.COMPLAINT_IN_PROGRESS, ("ticket", "link"),
       "Aduan ((ticket)) sedang ditangani. Pantau di ((link))",
       "Complaint ((ticket)) is being handled. Follow it at ((link))",
       ("Aduan ((ticket)) sedang diproses", "Complaint ((ticket)) in progress")),
    _t("complaint-resolved", Kind.COMPLAINT_RESOLVED, ("ticket", "link"),
       "Aduan ((ticket)) telah selesai ditangani. Mohon beri penilaian Anda di ((link))",
       "Complaint ((ticket)) was resolved. Please rate how it was handled at ((link))",
       ("Aduan ((ticket)) selesai", "Complaint ((ticket)) resolved")),
    _t("complaint-rejected", Kind.COMPLAINT_REJECTED, ("ticket", "reason", "link"),
       "Aduan ((ticket)) tidak dapat ditindaklanjuti: ((reason)). Rincian di ((link))",
       "Complaint ((ticket)) could not be taken up: ((reason)). Details at ((link))",
       ("Aduan ((ticket)) ditolak", "Complaint ((ticket)) rejected")),
    _t("letter-ready", Kind.LETTER_READY, ("ticket", "title", "link"),
       "((title)) Anda (tiket ((ticket))) siap diambil di kelurahan. Rincian di ((link))",
       "Your ((title)) (ticket ((ticket))) is ready to collect at the kelurahan. Details at ((link))",
       ("((title)) siap diambil", "((title)) ready to collect")),
    _t("ambulance-dispatched", Kind.AMBULANCE_DISPATCHED, ("ticket", "link"),
       "Ambulans PSC 119 sedang menuju lokasi (tiket ((ticket))). Pantau di ((link))",
       "A PSC 119 ambulance is on its way (ticket ((ticket))). Follow it at ((link))",
       ("Ambulans berangkat", "Ambulance dispatched"), critical=True),
    _t("one-time-code", Kind.ONE_TIME_CODE, ("code",),
       "Kode masuk Palapa Anda: ((code)). Jangan berikan kode ini kepada siapa pun.",
       "Your Palapa sign-in code: ((code)). Do not share it with anyone.",
       ("Kode masuk Palapa", "Palapa sign-in code"), critical=True),
    _t("sla-warning", Kind.SLA_WARNING, ("ticket", "opd", "due"),
       "Peringatan: aduan ((ticket)) untuk ((opd)) mendekati batas waktu ((due)).",
       "Warning: complaint ((ticket)) for ((opd)) is nearly due: ((due)).",
       ("Aduan ((ticket)) mendekati batas waktu", "Complaint ((ticket)) nearly due")),
    _t("sla-breached", Kind.SLA_BREACHED, ("ticket", "opd", "due", "level"),
       "Eskalasi ((level)): aduan ((ticket)) untuk ((opd)) melewati batas waktu ((due)).",
       "Escalation ((level)): complaint ((ticket)) for ((opd)) passed its deadline: ((due)).",
       ("Eskalasi aduan ((ticket))", "Complaint ((ticket)) escalated")),
)
