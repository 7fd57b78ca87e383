"""Whatever no other router took: unknown commands, stray text, stale buttons."""
