"""The pure gazetteer over the seeded municipalities and the shared GNS settlements file."""

from __future__ import annotations

import csv
import time

import pytest

from models.seed import load_municipalities
from routing.places import (
    Gazetteer,
    MunicipalityEntry,
    PlaceMatch,
    SettlementEntry,
    definite_forms,
)
from routing.text import fold
from tests.conftest import SHARED_GEO


@pytest.fixture(scope="module")
def names() -> dict[int, str]:
    """Return each municipality's Albanian name by the id the gazetteer gives it."""
    return {i: fact.name_sq for i, fact in enumerate(load_municipalities(), start=1)}


@pytest.fixture(scope="module")
def gazetteer(names: dict[int, str]) -> Gazetteer:
    """Build the gazetteer from the seed and kosovo_settlements_gns.csv."""
    facts = load_municipalities()
    municipalities = [MunicipalityEntry(i, f.code, f.country, f.name_sq, f.name_sr,
                                        tuple(f.aliases), f.seat_lat, f.seat_lon)
                      for i, f in enumerate(facts, start=1)]
    # The GNS file names municipalities as the census did ("Mitrovicë"): by name or alias.
    ids = {fold(name): i for i, f in enumerate(facts, start=1) if f.country == "XK"
           for name in (f.name_sq, *f.aliases)}
    with (SHARED_GEO / "kosovo_settlements_gns.csv").open(encoding="utf-8") as handle:
        settlements = [
            SettlementEntry(n, ids[fold(row["muni_by_polygon"])], row["name"],
                            tuple(a for a in row["alt_names"].split("|") if a),
                            float(row["lat"]), float(row["lon"]))
            for n, row in enumerate(csv.DictReader(handle), start=1) if row["name"]]
    return Gazetteer(municipalities, settlements)


def municipalities(matches: list[PlaceMatch], names: dict[int, str]) -> list[str]:
    """Return the matched municipalities' names, best first."""
    return [names[m.municipality_id] for m in matches]


@pytest.mark.parametrize(("text", "municipality", "how"), [
    ("gllogoc", "Drenas", "alias"),
    ("Gllogovc", "Drenas", "alias"),
    ("drenas", "Drenas", "name"),
    ("  DRENAS!! ", "Drenas", "name"),
    ("Komuna e Drenasit", "Drenas", "alias"),
    ("komuna Drenas", "Drenas", "name"),
    ("Prishtine", "Prishtinë", "name"),
    ("prishtinë", "Prishtinë", "name"),
    ("Uroševac", "Ferizaj", "alias"),
    ("Urosevac", "Ferizaj", "alias"),
    ("Урошевац", "Ferizaj", "alias"),
    ("Tiranë", "Tiranë", "name"),
])
def test_municipality_by_name_or_alias(gazetteer: Gazetteer, names: dict[int, str], text: str,
                                       municipality: str, how: str) -> None:
    """A municipality's name or alias matches alone, whatever the case, diacritics or script."""
    matches = gazetteer.match(text)
    assert municipalities(matches, names) == [municipality]
    assert matches[0].how == how
    assert matches[0].settlement is None


@pytest.mark.parametrize("text", ["Arllat", "arllat", "fshati Arllat", "Arllat, Drenas",
                                  "Drenas, Arllat", "Arllat (Gllogoc)", "Орлате"])
def test_village_names_its_municipality(gazetteer: Gazetteer, names: dict[int, str],
                                        text: str) -> None:
    """A village from the settlements file, bare or qualified, leads to its municipality."""
    matches = gazetteer.match(text)
    assert municipalities(matches, names) == ["Drenas"]
    assert matches[0].how == "settlement"
    assert matches[0].settlement is not None
    assert matches[0].lat is not None and matches[0].lon is not None


def test_village_shows_the_name_as_written(gazetteer: Gazetteer) -> None:
    """GNS lists Arllat under its Serbian name; the person sees the name they wrote."""
    assert gazetteer.match("Arllat")[0].settlement == "Arllat"


def test_ambiguous_village_gives_several(gazetteer: Gazetteer, names: dict[int, str]) -> None:
    """Novo Selo exists in several municipalities: each is offered once."""
    found = municipalities(gazetteer.match("Novo Selo"), names)
    assert {"Prishtinë", "Malishevë", "Fushë Kosovë"} <= set(found)
    assert len(found) == len(set(found))


def test_qualified_ambiguous_village(gazetteer: Gazetteer, names: dict[int, str]) -> None:
    """Naming the municipality settles an ambiguous village."""
    matches = gazetteer.match("Novo Selo, Prishtinë")
    assert municipalities(matches, names) == ["Prishtinë"]
    assert matches[0].how == "settlement"


@pytest.mark.parametrize(("text", "municipality"), [
    ("Prishtna", "Prishtinë"),
    ("Gjillan", "Gjilan"),
    ("Ferizja", "Ferizaj"),
    ("Malishava", "Malishevë"),
    ("Mitrovica e verjut", "Mitrovicë e Veriut"),
])
def test_typos_match_fuzzily(gazetteer: Gazetteer, names: dict[int, str], text: str,
                             municipality: str) -> None:
    """A misspelt name finds the municipality first, marked as a guess to confirm."""
    matches = gazetteer.match(text)
    assert municipalities(matches, names)[0] == municipality
    assert matches[0].how == "fuzzy"
    assert matches[0].score < 100


@pytest.mark.parametrize("text", ["asdf", "the", "hello", "stop", "test", "", "   ", "!!!",
                                  "fshati", "😀🙈🎉", "a" * 5000, "Drenas " * 700])
def test_garbage_matches_nothing(gazetteer: Gazetteer, text: str) -> None:
    """Words that are no place, emoji and walls of text match nothing."""
    assert gazetteer.match(text) == []


def test_results_collapse_per_municipality(gazetteer: Gazetteer) -> None:
    """No municipality is offered twice, even when several of its names match."""
    for text in ("Drenas", "Kamenica", "Novo Sello", "Prishtna", "Arllat, Gllogoc Drenas"):
        ids = [m.municipality_id for m in gazetteer.match(text)]
        assert len(ids) == len(set(ids))


def test_matching_is_fast(gazetteer: Gazetteer) -> None:
    """Exact matches take well under a millisecond; a long input is refused at once."""
    queries = ["gllogoc", "Prishtinë", "Arllat, Drenas", "Novo Selo", "Урошевац"]
    started = time.perf_counter()
    for _ in range(100):
        for text in queries:
            gazetteer.match(text)
    assert (time.perf_counter() - started) / (100 * len(queries)) < 0.001
    started = time.perf_counter()
    gazetteer.match("x" * 5000)
    assert time.perf_counter() - started < 0.001


@pytest.mark.parametrize(("written", "municipality"), [
    ("Prishtina", "Prishtinë"), ("Peja", "Pejë"), ("Prizreni", "Prizren"),
    ("Shkodra", "Shkodër"), ("Korça", "Korçë"), ("Durrësi", "Durrës"),
    ("Mitrovica e Veriut", "Mitrovicë e Veriut"), ("North Mitrovica", "Mitrovicë e Veriut"),
])
def test_definite_forms_are_exact(gazetteer: Gazetteer, names: dict[int, str], written: str,
                                  municipality: str) -> None:
    """Albanians write places in the definite form as often as not: both are exact names."""
    [match] = gazetteer.match(written)
    assert (names[match.municipality_id], match.how) == (municipality, "alias")


def test_definite_forms() -> None:
    """The definite form follows the word's ending."""
    assert definite_forms("Tiranë") == ("Tirana",)
    assert definite_forms("Kaçanik") == ("Kaçaniku",)
    assert definite_forms("Vushtrri") == ("Vushtrria",)
    assert definite_forms("Fushë Kosovë") == ("Fushë Kosova",)


def small_gazetteer() -> Gazetteer:
    """Two municipalities a side of the border, a divided town, and a few villages."""
    municipalities = [
        MunicipalityEntry(1, "XK-27", "XK", "Viti", "Vitina", (), 42.32, 21.36),
        MunicipalityEntry(2, "AL-53", "AL", "Tiranë", None, ("Bashkia Tiranë",), 41.33, 19.82),
        MunicipalityEntry(3, "XK-15", "XK", "Mitrovicë e Jugut", "Kosovska Mitrovica",
                          ("Mitrovicë", "Mitrovica"), 42.88, 20.87),
        MunicipalityEntry(4, "XK-38", "XK", "Mitrovicë e Veriut", "Severna Kosovska Mitrovica",
                          ("Mitrovica Veriore",), 42.90, 20.87),
        MunicipalityEntry(5, "XK-10", "XK", "Kamenicë", "Kamenica", (), 42.58, 21.58),
        MunicipalityEntry(6, "AL-30", "AL", "Korçë", None, (), 40.62, 20.78),
    ]
    settlements = [
        SettlementEntry(1, 1, "Jašar", ("Jashar",), 42.30, 21.28),
        SettlementEntry(2, 2, "Kashar", (), 41.35, 19.72),
        SettlementEntry(3, 6, "Kamenicë", (), 40.60, 20.70),
        SettlementEntry(4, 1, "Morinë", (), 42.30, 21.30),
        SettlementEntry(5, 2, "Morinë", (), 41.40, 19.70),
    ]
    return Gazetteer(municipalities, settlements)


@pytest.mark.parametrize(("text", "country", "found"), [
    ("Kashar", "AL", [(2, "Kashar")]),
    # The only exact Kashar is abroad: it comes back (to be asked with its country), Jashar not.
    ("Kashar", "XK", [(2, "Kashar")]),
    ("Kashar", None, [(2, "Kashar")]),
    ("Morinë", "XK", [(1, "Morinë")]),
    ("Morinë", "AL", [(2, "Morinë")]),
    ("Morinë", None, [(1, "Morinë"), (2, "Morinë")]),
    # A misspelling never crosses a known border.
    ("Kashat", "XK", []),
    ("Kashat", "AL", [(2, "Kashar")]),
    ("Jashat", "AL", []),
])
def test_the_reporters_country_comes_first(text: str, country: str | None,
                                           found: list[tuple[int, str]]) -> None:
    """Exact names at home first; an exact name abroad only when home has none; no fuzzy jump."""
    matches = small_gazetteer().match(text, country)
    assert [(m.municipality_id, m.settlement) for m in matches] == found


@pytest.mark.parametrize(("country", "found"), [
    ("XK", [5]), ("AL", [6]), (None, [5, 6]),
])
def test_a_municipality_named_like_a_village_abroad(country: str | None,
                                                    found: list[int]) -> None:
    """Kamenicë is a Kosovo municipality and an Albanian village: each side gets its own."""
    assert [m.municipality_id for m in small_gazetteer().match("Kamenice", country)] == found


@pytest.mark.parametrize("text", ["mitrovice", "Mitrovica", "MITROVICË", "Kosovska Mitrovica"])
def test_a_divided_town_names_both_halves(text: str) -> None:
    """Mitrovica alone may be either half: both come back, to be asked."""
    assert sorted(m.municipality_id for m in small_gazetteer().match(text, "XK")) == [3, 4]


@pytest.mark.parametrize(("text", "half"), [
    ("Mitrovicë e Veriut", 4), ("Mitrovica e veriut", 4), ("Severna Kosovska Mitrovica", 4),
    ("Mitrovica Veriore", 4), ("Mitrovicë e Jugut", 3),
])
def test_a_named_half_is_exact(text: str, half: int) -> None:
    """Naming the half settles it."""
    assert [m.municipality_id for m in small_gazetteer().match(text)] == [half]
