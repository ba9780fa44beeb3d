"""Channel-neutral conversations: flows as data and a pure engine (no I/O)."""
