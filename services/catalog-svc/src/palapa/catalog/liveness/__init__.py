"""Signs of life: bridge heartbeats, quarantined rows, domain traffic and cameras; the dormancy check."""
