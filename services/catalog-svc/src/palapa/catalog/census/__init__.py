"""The OPD census form (CSV or XLSX) read into registry entries: POST /census."""
