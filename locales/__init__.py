"""Gettext catalogs: sq (default), sr (Latin script) and en."""

from pathlib import Path

LOCALE_DIR = Path(__file__).parent
