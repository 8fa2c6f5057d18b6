"""bridge-mapped: legacy apps bridged by YAML mapping files (deploy/bridges/*.yaml)."""
