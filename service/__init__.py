"""Application services: run a conversation turn against the database, file reports."""
