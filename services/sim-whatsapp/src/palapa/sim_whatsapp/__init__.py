"""sim-whatsapp: a stand-in for WhatsApp (palapa.provider_sims.whatsapp), in its own shape and with its quirks."""
