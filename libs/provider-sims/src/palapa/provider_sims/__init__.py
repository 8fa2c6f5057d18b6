"""Message providers simulated with their real shapes and quirks (run by services/sim-whatsapp, sim-sms, sim-mail;
started in-process by notify-svc's channel tests)."""
