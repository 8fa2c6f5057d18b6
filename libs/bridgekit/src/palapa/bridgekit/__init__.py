"""The bridge kit: what every legacy bridge shares (see README "Bridges")."""
