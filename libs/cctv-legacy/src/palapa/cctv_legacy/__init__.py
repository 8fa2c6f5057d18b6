"""Dishub's legacy CCTV app: its cameras and its HTTP API, as the simulator, tests and benchmarks run it."""
