"""Municipality names as a sentence needs them: the reader's language, and the right case.

The forms are data (seed/municipality_names.toml, keyed by the seed's code); this module only
reads them. A translation picks a form with a format spec on the placeholder:

| spec      | sq                               | sr                     | en              |
|-----------|----------------------------------|------------------------|-----------------|
| (none)    | Prizren, Mitrovicë e Veriut      | Prizren, Gračanica     | Prizren         |
| `gen`     | Prizrenit, Mitrovicës së Veriut  | –                      | Prizren         |
| `loc`     | (në) Prizren, Mitrovicën e Veriut| (u) Prizrenu, Dečanima | (in) Prizren    |
| `komuna`  | komuna e Prizrenit / bashkia e Beratit (nominative)      | –      | –               |
| `komunën` | komunën e Prizrenit / bashkinë e Beratit (accusative)    | –      | –               |
| `komunës` | komunës së Prizrenit / bashkisë së Beratit (genitive)    | –      | –               |
| `Komuna`  | the word alone, for a label: Komuna / Bashkia            | –      | –               |

Albanian says "komuna" in Kosovo and "bashkia" in Albania, chosen by the code's country;
Serbian says "opština" for both, and translations write it themselves ("opštini {m}").
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FORMS_FILE = Path(__file__).parent / "seed" / "municipality_names.toml"
# The word for a municipality in Albanian, by country, in the cases the phrases need.
UNIT_WORDS = {
    "XK": {"komuna": "komuna e", "komunën": "komunën e", "komunës": "komunës së"},
    "AL": {"komuna": "bashkia e", "komunën": "bashkinë e", "komunës": "bashkisë së"},
}
SPECS: dict[str, frozenset[str]] = {
    "sq": frozenset({"gen", "loc", "komuna", "komunën", "komunës", "Komuna"}),
    "sr": frozenset({"loc"}),
    "en": frozenset({"gen", "loc"}),
}


@dataclass(frozen=True)
class NameForms:
    """One municipality's name in Albanian and Serbian, with the cases sentences use."""

    code: str
    sq: str
    sq_gen: str
    sq_loc: str
    sr: str
    sr_loc: str

    @property
    def country(self) -> str:
        """Return XK or AL, as the code begins."""
        return self.code[:2]


@cache
def all_name_forms() -> dict[str, NameForms]:
    """Read the forms table once, keyed by municipality code."""
    rows = tomllib.loads(FORMS_FILE.read_text(encoding="utf-8"))["municipality"]
    fields = ("code", "sq", "sq_gen", "sq_loc", "sr", "sr_loc")
    return {row["code"]: NameForms(*(str(row[f]) for f in fields)) for row in rows}


def name_forms(code: str | None) -> NameForms | None:
    """Return a municipality's forms, or None for an unknown code."""
    return all_name_forms().get(code or "")


def display_name(code: str | None, language: str, fallback: str = "") -> str:
    """Return the name a reader of `language` knows (Serbian for sr, else Albanian)."""
    forms = name_forms(code)
    if forms is None:
        return fallback
    return forms.sr if language == "sr" else forms.sq


def inflections(code: str | None, language: str, fallback: str = "") -> dict[str, str]:
    """Return every form `language` may ask for by spec ("" is the plain name).

    An unknown code gives the fallback name for every spec: better a nominative than nothing.
    """
    forms = name_forms(code)
    specs = SPECS.get(language, SPECS["en"])
    if forms is None:
        # "komunën Prizren": an apposition keeps an unknown name in the nominative.
        return {"": fallback, **{spec: _unknown(spec, fallback) for spec in specs}}
    if language == "sr":
        return {"": forms.sr, "loc": forms.sr_loc}
    if language != "sq":
        return {"": forms.sq, "gen": forms.sq, "loc": forms.sq}
    units = UNIT_WORDS.get(forms.country, UNIT_WORDS["XK"])
    return {"": forms.sq, "gen": forms.sq_gen, "loc": forms.sq_loc,
            "Komuna": units["komuna"].split()[0].capitalize(),
            **{spec: f"{word} {forms.sq_gen}" for spec, word in units.items()}}


def _unknown(spec: str, name: str) -> str:
    """Return a form of a name missing from the table: the name, in apposition to "komuna"."""
    if spec == "Komuna":
        return "Komuna"
    return f"{spec} {name}" if spec.startswith("komun") else name


def by_albanian_name(name: str) -> NameForms | None:
    """Return the forms of the municipality whose Albanian name this is (for stored names)."""
    return next((f for f in all_name_forms().values() if f.sq == name), None)
