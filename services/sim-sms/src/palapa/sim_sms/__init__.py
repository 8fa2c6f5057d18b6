"""sim-sms: a stand-in for a message provider (palapa.provider_sims.sms), in its own shape and with its quirks."""
