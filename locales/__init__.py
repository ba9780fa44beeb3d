"""Gettext catalogs: sq (default), sr (Latin script) and en, read from .po at start-up."""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from handlers.i18n import ListOf, Msg, PlaceName, Verbatim, When
from models.names import inflections

LOCALE_DIR = Path(__file__).parent
LANGUAGES = ("sq", "sr", "en")
DOMAIN = "messages"
# Babel's locale for each of our language codes: Serbian is written in Latin script here.
BABEL_LOCALES = {"sq": "sq_AL", "sr": "sr_Latn_RS", "en": "en_GB"}
# Kosovo and Albania share one time zone.
LOCAL_ZONE = ZoneInfo("Europe/Tirane")


class Inflected(str):
    """A rendered name that formats as another case when a translation asks: {m:loc}."""

    forms: dict[str, str]

    def __new__(cls, forms: dict[str, str]) -> Inflected:
        """Make the plain name the string itself, and keep the other forms."""
        made = super().__new__(cls, forms.get("", ""))
        made.forms = forms
        return made

    def __format__(self, spec: str) -> str:
        """Return the form named by the spec; an unknown spec is a faulty translation."""
        if spec not in self.forms:
            raise ValueError(f"no form {spec!r} of {str(self)!r}")
        return self.forms[spec]


def po_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """Return the path of a language's catalog."""
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compile(path: Path, language: str) -> gettext.GNUTranslations:
    """Read a .po file and compile it in memory, leaving fuzzy entries out."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=BABEL_LOCALES[language])
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Catalogs:
    """Renders engine messages in a language: translation, plurals, lists and dates."""

    def __init__(self, translations: Mapping[str, gettext.NullTranslations]) -> None:
        self._translations = dict(translations)
        self._locales = {code: Locale.parse(BABEL_LOCALES[code]) for code in LANGUAGES}

    @classmethod
    def load(cls, locale_dir: Path = LOCALE_DIR) -> Catalogs:
        """Load every language's catalog; a missing file falls back to the English msgids."""
        loaded: dict[str, gettext.NullTranslations] = {}
        for code in LANGUAGES:
            path = po_path(code, locale_dir)
            loaded[code] = _compile(path, code) if path.exists() else gettext.NullTranslations()
        return cls(loaded)

    def __call__(self, text: Msg | Verbatim, language: str) -> str:
        """Return `text` rendered in `language` (unknown languages read as Albanian)."""
        code = language if language in self._translations else "sq"
        return self._render(text, code)

    def gettext(self, msgid: str, language: str) -> str:
        """Return a bare msgid translated, without formatting."""
        code = language if language in self._translations else "sq"
        return self._translations[code].gettext(msgid)

    def ngettext(self, singular: str, plural: str, count: int, language: str) -> str:
        """Return a bare msgid in the plural form `count` takes, without formatting."""
        code = language if language in self._translations else "sq"
        return self._translations[code].ngettext(singular, plural, count)

    def locale(self, language: str) -> Locale:
        """Return Babel's locale for one of our languages (Albanian for anything else)."""
        return self._locales.get(language, self._locales["sq"])

    def _render(self, value: object, code: str) -> str:
        """Render one message or parameter value."""
        if isinstance(value, Verbatim):
            return value.text
        if isinstance(value, ListOf):
            return format_list([self._render(v, code) for v in value.items],
                               locale=self._locales[code])
        if isinstance(value, When):
            return self.format_datetime(value.at, code)
        if isinstance(value, PlaceName):
            return Inflected(inflections(value.code, code, value.fallback))
        if not isinstance(value, Msg):
            return str(value)
        translations = self._translations[code]
        if value.plural is not None:
            template = translations.ngettext(value.msgid, value.plural, value.count or 0)
        else:
            template = translations.gettext(value.msgid)
        params = {k: self._render(v, code) for k, v in value.params.items()}
        try:
            return template.format(**params) if params else template
        except (KeyError, IndexError, ValueError):
            # A faulty translation must not silence the message: fall back to English.
            return value.msgid.format(**params)

    def format_datetime(self, at: datetime, language: str) -> str:
        """Return a date and 24-hour time as the language writes them, in local time."""
        locale = self._locales.get(language, self._locales["sq"])
        local = at.astimezone(LOCAL_ZONE)
        day = format_date(local, "medium", locale=locale)
        return f"{day} {format_time(local, 'HH:mm', locale=locale)}"
