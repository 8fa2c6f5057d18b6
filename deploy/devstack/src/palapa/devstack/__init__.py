"""The whole platform on one machine, no Docker: real Tansu, real PostgreSQL, every service a process."""
