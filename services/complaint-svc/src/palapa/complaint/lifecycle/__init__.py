"""A case's life: the pure rules (domain, transitions, privacy, duplicates), its store, and the write-back to Curhat."""
