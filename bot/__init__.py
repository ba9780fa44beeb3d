"""Telegram adapter: updates to Inbound, replies to keyboards; the alert sender."""
