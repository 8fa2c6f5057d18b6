"""The citizen's complaint form: its checks (pure), its routes, and the page it serves."""
