"""Si Makel's legacy app: its letter requests and its XML API, as the simulator, tests and benchmarks run it."""
