"""Message channels: thin adapters to WhatsApp, SMS and e-mail providers, all meeting `base.Channel`."""
