"""The gettext catalogs: complete, well-formed, in step with the code, and loadable."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from handlers.i18n import Msg, Verbatim, msg, nmsg
from handlers.keywords import command_of
from handlers.steps import SKIP_WORDS
from locales import BABEL_LOCALES, LANGUAGES, Catalogs, po_path
from routing.text import fold

ROOT = Path(__file__).resolve().parents[1]
# The same keywords as the extraction that builds locales/messages.pot.
KEYWORDS = {"msg": None, "nmsg": (1, 2), "N_": None, "_": None, "ngettext": (1, 2)}


def _read(language: str) -> Catalog:
    """Parse one language's .po file."""
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=BABEL_LOCALES[language])


def _entries(catalog: Catalog) -> list[Message]:
    """Return the catalog's messages, without the header."""
    return [m for m in catalog if m.id]


def _msgid(message: Message) -> str:
    """Return the singular msgid of a message."""
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _forms(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Return the singular and plural forms of a msgid or msgstr as a tuple."""
    return (value,) if isinstance(value, str) else tuple(value)


def _fields(text: str) -> set[str]:
    """Return the names of the {placeholders} in a str.format template."""
    names = set()
    for _, name, _, _ in Formatter().parse(text):
        if name is not None:
            names.add(re.split(r"[.\[]", name, maxsplit=1)[0])
    return names


@cache
def _code_msgids() -> frozenset[str]:
    """Extract every msgid the code marks for translation, as `make messages` does."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map,
                                                keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return frozenset(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_parses_with_no_fuzzy_or_empty_entry(language: str) -> None:
    """Every entry is translated and none is fuzzy (fuzzy ones are left out at run time)."""
    catalog = _read(language)
    assert _entries(catalog), f"{language}: the catalog is empty"
    assert not catalog.fuzzy, f"{language}: the header is marked fuzzy"
    fuzzy = [_msgid(m) for m in _entries(catalog) if m.fuzzy]
    assert not fuzzy, f"{language}: fuzzy entries: {fuzzy}"
    empty = [_msgid(m) for m in _entries(catalog)
             if not all(form.strip() for form in _forms(m.string))]
    assert not empty, f"{language}: untranslated entries: {empty}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_fill_every_form(language: str) -> None:
    """A plural entry has as many msgstr forms as the language's Plural-Forms says."""
    catalog = _read(language)
    wrong = [_msgid(m) for m in _entries(catalog)
             if m.pluralizable and len(_forms(m.string)) != catalog.num_plurals]
    assert not wrong, f"{language}: plural entries without {catalog.num_plurals} forms: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_the_msgid(language: str) -> None:
    """Each translation uses exactly the msgid's {placeholders}, so formatting cannot fail."""
    problems = []
    for message in _entries(_read(language)):
        expected = set().union(*(_fields(form) for form in _forms(message.id)))
        for index, form in enumerate(_forms(message.string)):
            got = _fields(form)
            if got != expected:
                problems.append(f"{_msgid(message)!r} [{index}]: {sorted(got)} != "
                                f"{sorted(expected)}")
    assert not problems, f"{language}: placeholder mismatches:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_in_the_code_is_in_the_catalog(language: str) -> None:
    """No text the code shows is missing from a catalog (it would appear in English)."""
    known = {_msgid(m) for m in _entries(_read(language))}
    missing = sorted(_code_msgids() - known)
    assert not missing, (
        f"{language}: msgids in the code but not in the catalog (run `make messages`, "
        f"then translate them): {missing}")


def test_extraction_finds_the_engine_messages() -> None:
    """The extraction itself works, so the completeness test above cannot pass vacuously."""
    assert {"Yes", "Cancel", "{num} photo"} <= _code_msgids()


RENDERED = {
    "sq": "Për ta ndjekur: STATUS R-7K3M9Q.",
    "sr": "Za praćenje: STATUS R-7K3M9Q.",
    "en": "To follow it: STATUS R-7K3M9Q.",
}
PHOTOS = {
    "sq": ["1 foto", "2 foto", "5 foto"],
    "sr": ["1 fotografija", "2 fotografije", "5 fotografija"],
    "en": ["1 photo", "2 photos", "5 photos"],
}


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    """Load the catalogs as the service does."""
    return Catalogs.load()


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogs_render_a_message_with_a_placeholder(catalogs: Catalogs, language: str) -> None:
    """The loaded catalogs translate and fill in a message in every language."""
    text = msg("To follow it: STATUS {reference}.", reference=Verbatim("R-7K3M9Q"))
    assert catalogs(text, language) == RENDERED[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogs_render_plural_forms(catalogs: Catalogs, language: str) -> None:
    """Plurals follow the language's rule (Serbian has three forms)."""
    rendered = [catalogs(nmsg("{num} photo", "{num} photos", n), language) for n in (1, 2, 5)]
    assert rendered == PHOTOS[language]


def _keywords_in(text: str) -> list[str]:
    """Return the upper-case words a message tells people to type (not references)."""
    words = (w.strip(".,:;!?()“”„\"'") for w in text.split())
    return [w for w in words if len(w) >= 3 and w.isalpha() and w.isupper()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_names_words_the_engine_recognises(catalogs: Catalogs, language: str) -> None:
    """Every command word the help text names works as a command in that language."""
    help_text = catalogs(msg("Words that work at any time: MENU to start, BACK to change the "
                             "last answer, ANULO to cancel a report, STATUS R-XXXXXX to follow "
                             "a report, LANGUAGE to change language."), language)
    assert "Words that work" not in help_text or language == "en", "the msgid is not the code's"
    words = _keywords_in(help_text)
    assert len(words) == 5, words
    unknown = [w for w in words if command_of(w) is None]
    assert not unknown, f"{language}: help names words the engine ignores: {unknown}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_photo_prompt_names_a_skip_word(catalogs: Catalogs, language: str) -> None:
    """The word the photo step suggests for skipping is one the step accepts."""
    text = catalogs(msg("Please send a photo, or write SKIP to go on without one."), language)
    words = _keywords_in(text)
    skip = {fold(w) for w in SKIP_WORDS}
    assert words and all(fold(w) in skip for w in words), (language, words)


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_switch_names_its_own_language(catalogs: Catalogs, language: str) -> None:
    """After switching, the confirmation is written in, and names, the new language."""
    text = catalogs(msg("From now on I will write in English."), language)
    names = {"sq": "shqip", "sr": "srpsk", "en": "English"}
    assert names[language] in text


def test_unknown_language_reads_as_albanian(catalogs: Catalogs) -> None:
    """A language code the service does not have falls back to Albanian."""
    text: Msg = msg("Yes")
    assert catalogs(text, "de") == catalogs(text, "sq") == "Po"
