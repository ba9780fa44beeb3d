"""Sinjalizo: Albanian-first reporting service for municipal child protection."""
