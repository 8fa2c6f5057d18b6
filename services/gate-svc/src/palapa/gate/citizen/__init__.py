"""Citizens at the gate: sign-in by a one-time code to their phone, sessions, tokens for services, "Kasus saya"."""
