"""Every template notify-svc sends by itself is one the WhatsApp provider approved, with as many parameters as the
template has fields: otherwise each WhatsApp message would be refused (132001) and fall back to SMS."""

from palapa.notify.messages.catalogue import DEFAULT_TEMPLATES
from palapa.provider_sims.whatsapp_state import ALLOWED_CATEGORIES
from palapa.provider_sims.whatsapp_state import DEFAULT_TEMPLATES as APPROVED


def test_every_default_template_is_approved_at_the_provider_with_its_fields_as_parameters():
    for template in DEFAULT_TEMPLATES:
        approved = APPROVED.get(template.whatsapp_name)
        assert approved is not None, f"{template.id}: {template.whatsapp_name} is not approved"
        assert approved["params"] == len(template.fields), template.id
        assert approved["category"] in ALLOWED_CATEGORIES and approved.get("status", "APPROVED") == "APPROVED"
