"""`./palapa fuzz`: seeded hostile input (legacy rows, Kafka records, HTTP requests) against a throwaway platform."""
