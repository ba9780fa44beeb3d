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
