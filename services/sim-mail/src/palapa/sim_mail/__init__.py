"""sim-mail: a stand-in for a message provider (palapa.provider_sims.mail), in its own shape and with its quirks."""
