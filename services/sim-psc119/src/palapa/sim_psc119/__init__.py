"""sim-psc119: a stand-in for the legacy PSC 119 app (its JSON API, its webhooks, its quirks)."""
