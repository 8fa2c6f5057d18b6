"""The rationalization report: figures, duplicates, the consolidation plan; GET /report and its page."""
