"""Alerts: outbox dispatch, retries, escalation, acknowledgements, reporter updates."""
