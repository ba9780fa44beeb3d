"""Rendering statistics with the dashboard's chart templates, inside or outside a request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape

from handlers.categories import KINDS, category_label
from locales import Catalogs
from service.statistics import PeriodStats

TEMPLATES = Path(__file__).with_name("templates")


def chart_filters(catalogs: Catalogs, language: str) -> dict[str, Any]:
    """Return the filters the chart macros use, in one language."""

    def kind_label(row: tuple[str, int]) -> tuple[str, int]:
        """Label a (kind, count) row."""
        label = KINDS.get(row[0])
        return (catalogs(label, language) if label else row[0], row[1])

    def category_pair(row: tuple[str, str, int]) -> tuple[str, int]:
        """Label a (kind, category, count) row by its category."""
        return (catalogs(category_label(row[0], row[1]), language), row[2])

    return {"kind_label": kind_label, "category_pair": category_pair}


def standalone(catalogs: Catalogs, language: str) -> Environment:
    """Return a Jinja environment for the downloadable report, translated into `language`."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                              extensions=["jinja2.ext.i18n"])
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        lambda msgid, **_: catalogs.gettext(msgid, language),
        lambda one, many, count, **_: catalogs.ngettext(one, many, count, language),
        newstyle=True)
    locale = catalogs.locale(language)

    def number(value: float | int | None, digits: int = 0) -> str:
        """Format a number in the report's language."""
        if value is None:
            return "–"
        return format_decimal(value, "#,##0" + ("." + "0" * digits if digits else ""),
                              locale=locale)

    environment.filters.update(number=number, **chart_filters(catalogs, language))
    return environment


def period_report(stats: PeriodStats, catalogs: Catalogs, language: str,
                  scope_label: str) -> str:
    """Return the printable HTML report of a period."""
    template = standalone(catalogs, language).get_template("stats/period_report.html")
    return template.render(stats=stats, language=language, scope_label=scope_label)
