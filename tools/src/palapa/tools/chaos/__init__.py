"""`./palapa chaos`: kill services and the broker while the legacy app writes, then compare with the legacy truth."""
