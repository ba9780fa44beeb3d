"""The dashboard's language: chosen per request, used by templates through gettext.

Templates call `_()` (Jinja's i18n extension, new style); Python code renders `msg()` through
the same catalogs the channels use. The language is the signed-in user's; before sign-in,
the one picked on the page (kept in the session), else the browser's, else the default.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from babel.numbers import format_decimal
from flask import Flask, current_app, g, request, session
from markupsafe import Markup

from handlers.i18n import Msg, PlaceName, Verbatim
from locales import LANGUAGES, Catalogs
from models import Municipality
from routing.text import fold
from web import get_catalogs, get_settings


def language() -> str:
    """Return the language of this request (computed once per request)."""
    chosen = g.get("language")
    if isinstance(chosen, str):
        return chosen
    user = g.get("user")
    picked = session.get("language")
    if user is not None and user.language in LANGUAGES:
        chosen = user.language
    elif isinstance(picked, str) and picked in LANGUAGES:
        chosen = picked
    else:
        chosen = request.accept_languages.best_match(LANGUAGES) \
            or get_settings(current_app).default_language
    g.language = chosen
    return str(chosen)


def place(municipality: Municipality | None) -> str:
    """Return a municipality's name as the reader knows it (Gračanica in Serbian), or ""."""
    return municipality.name(language()) if municipality is not None else ""


def by_name(municipalities: Iterable[Municipality]) -> list[Municipality]:
    """Return municipalities in the order of their names as the reader knows them."""
    return sorted(municipalities, key=lambda m: fold(m.name(language())))


def place_name(municipality: Municipality) -> PlaceName:
    """Return a municipality as a message parameter, to be named in the case a sentence needs."""
    return PlaceName(municipality.code, municipality.name(language()))


def text(message: Msg | Verbatim) -> str:
    """Render an engine-style message in the request's language."""
    return get_catalogs(current_app)(message, language())


def _gettext(msgid: str, **params: Any) -> str:
    """Translate a template string; Jinja fills %(name)s placeholders afterwards."""
    return get_catalogs(current_app).gettext(msgid, language())


def _ngettext(singular: str, plural: str, count: int, **params: Any) -> str:
    """Translate a template string with a plural form."""
    return get_catalogs(current_app).ngettext(singular, plural, count, language())


def when(value: datetime | None) -> str:
    """Format a moment as the user's locale writes it, with a 24-hour time, in local time."""
    if value is None:
        return "–"
    return get_catalogs(current_app).format_datetime(value, language())


def number(value: float | int | None, digits: int = 0) -> str:
    """Format a number in the user's locale."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern, locale=get_catalogs(current_app).locale(language()))


def init_app(app: Flask) -> None:
    """Give the app's templates gettext, the language and the date and number filters."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True)
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["place"] = place
    app.jinja_env.globals["text"] = text

    @app.context_processor
    def language_context() -> dict[str, Any]:
        """Expose the language and the list of languages to every template."""
        return {"language": language(), "languages": LANGUAGES, "Markup": Markup}


__all__ = ["Catalogs", "by_name", "init_app", "language", "number", "place", "place_name",
           "text", "when"]
