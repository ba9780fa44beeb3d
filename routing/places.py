"""Typed place names to municipalities: exact names and aliases, villages, then fuzzy.

`definite_forms` is re-exported for callers that read names the gazetteer's way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from routing.place_names import (
    FILLERS,
    PARTS,
    definite_forms,
    ngrams,
    strip_fillers,
    undivided,
)
from routing.text import fold

# Nobody types a place name this long; refusing it keeps the fuzzy pass cheap.
MAX_TEXT = 200
# Indel similarity 0-100. One wrong letter costs a short word more ("stop"/"stup" 75) than a
# long one ("prishtna"/"prishtine" 82), so short words must be closer to count.
FUZZY_MIN_LENGTH = 4
FUZZY_LIMIT = 5
# Keep only candidates nearly as close as the best one.
FUZZY_WINDOW = 5.0
# A typo of the whole text this close beats a name found inside it ("Mitrovica e veriut").
FUZZY_STRONG = 90.0
# A municipality named inside longer text is only a guess the person should confirm.
EMBEDDED_SCORE = 90.0
# Short common words must not match a village of the same name inside a sentence.
MIN_EMBEDDED_KEY = 4


@dataclass(frozen=True)
class MunicipalityEntry:
    """A municipality as the gazetteer knows it: every name people may type for it."""

    id: int
    code: str
    country: str
    name_sq: str
    name_sr: str | None
    aliases: tuple[str, ...]
    seat_lat: float
    seat_lon: float


@dataclass(frozen=True)
class SettlementEntry:
    """A village or town with its names and the municipality it lies in."""

    id: int
    municipality_id: int
    name: str
    alt_names: tuple[str, ...]
    lat: float
    lon: float


@dataclass(frozen=True)
class PlaceMatch:
    """One candidate place for typed text; `how` says which rule found it."""

    municipality_id: int
    how: str  # name | alias | settlement | fuzzy
    score: float = 100.0
    settlement_id: int | None = None
    settlement: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class _Key:
    """What one folded key points at: a municipality (by name or alias) or a settlement."""

    municipality_id: int
    how: str
    settlement: SettlementEntry | None = None
    label: str = ""  # the settlement's name as the person probably wrote it


class Gazetteer:
    """Matches typed text against precomputed folded names of municipalities and settlements."""

    def __init__(self, municipalities: Iterable[MunicipalityEntry],
                 settlements: Iterable[SettlementEntry] = ()) -> None:
        self.municipalities = {m.id: m for m in municipalities}
        self._muni_keys: dict[str, list[_Key]] = {}
        self._settlement_keys: dict[str, list[_Key]] = {}
        for m in self.municipalities.values():
            self._add(self._muni_keys, m.name_sq, _Key(m.id, "name"))
            for alias in (m.name_sr or "", *m.aliases, *definite_forms(m.name_sq)):
                self._add(self._muni_keys, alias, _Key(m.id, "alias"))
        self._add_divided_towns()
        for s in settlements:
            if s.municipality_id in self.municipalities:
                for name in (s.name, *s.alt_names):
                    key = _Key(s.municipality_id, "settlement", s, name)
                    self._add(self._settlement_keys, name, key)
        choices = list(self._muni_keys) + [
            k for k in self._settlement_keys if k not in self._muni_keys]
        # One list per country, so a fuzzy guess never crosses the border of a known country.
        self._fuzzy_choices: dict[str | None, list[str]] = {None: choices}
        for choice in choices:
            for country in {self._country(k) for k in self._keys(choice)}:
                self._fuzzy_choices.setdefault(country, []).append(choice)

    def _add_divided_towns(self) -> None:
        """File "Mitrovicë e Veriut" also under "Mitrovicë", which people call either half."""
        for m in self.municipalities.values():
            for name in (m.name_sq, m.name_sr or "", *m.aliases):
                town = undivided(name)
                if town and any(k.municipality_id != m.id and self._country(k) == m.country
                                for k in self._muni_keys.get(town, ())):
                    for form in (town, *definite_forms(town)):
                        self._add(self._muni_keys, form, _Key(m.id, "alias"))

    def _keys(self, folded: str) -> list[_Key]:
        """Return what a folded name points at: municipalities, else settlements."""
        return self._muni_keys.get(folded) or self._settlement_keys.get(folded, [])

    def _country(self, key: _Key | PlaceMatch) -> str:
        """Return the country of an index entry or a match."""
        return self.municipalities[key.municipality_id].country

    @staticmethod
    def _add(index: dict[str, list[_Key]], name: str, key: _Key) -> None:
        """File `key` under the folded `name`, a municipality's name before its aliases."""
        folded = fold(name)
        if not folded:
            return
        entries = index.setdefault(folded, [])
        if not any(_same_place(e, key) for e in entries):
            entries.append(key)

    def match(self, text: str, country: str | None = None) -> list[PlaceMatch]:
        """Return the places `text` may name, best first, at most one per municipality.

        With the person's `country` known, its places come first and only exact names are
        found across the border; with it unknown, places of both countries may come back.
        """
        if len(text) > MAX_TEXT:
            return []
        folded = [p for p in (fold(part) for part in PARTS.split(text)) if p]
        parts = [strip_fillers(p) for p in folded]
        whole = " ".join(parts)
        # "Komuna e Drenasit" is itself an alias, so try the text before dropping filler words.
        for candidate in (" ".join(folded), whole):
            if candidate in self._muni_keys:
                return self._municipality_named(candidate, country)
        if not whole:
            return []
        found = self._exact(whole, parts)
        if found is not None:
            return self._home_first(found, country)
        embedded = self._embedded(whole, parts)
        fuzzy = self._fuzzy(whole, parts, country)
        if not embedded:
            return _collapse(fuzzy)
        strong = [m for m in fuzzy if m.score >= FUZZY_STRONG]
        home = [m for m in (*strong, *embedded) if country in (None, self._country(m))]
        # A name found inside the text may lie abroad; it is then asked back with its country.
        return _collapse(home or embedded)

    def _municipality_named(self, folded: str, country: str | None) -> list[PlaceMatch]:
        """Return the municipality a name means; a village of that name at home beats one abroad."""
        found = [self._hit(k) for k in self._muni_keys[folded]]
        if any(self._country(m) == country for m in found):
            return self._home_first(found, country)
        villages = [self._hit(k) for k in self._settlement_keys.get(folded, ())
                    if self._country(k) not in {self._country(m) for m in found}]
        if country is not None:
            home = [v for v in villages if self._country(v) == country]
            return _collapse(home or found)
        # Unknown country: a town abroad of the same name is as likely (Telegram asks).
        return _collapse([*found, *villages])

    def _home_first(self, matches: list[PlaceMatch], country: str | None) -> list[PlaceMatch]:
        """Keep the matches in the person's country when there are any, else all of them."""
        home = [m for m in matches if self._country(m) == country]
        return _collapse(home or matches)

    def _exact(self, whole: str, parts: Sequence[str]) -> list[PlaceMatch] | None:
        """Find a village qualified by its municipality ("Arllat, Drenas"), or a village's name."""
        grams = [g for part in parts for g in ngrams(part)]
        mentioned = {k.municipality_id for g in grams for k in self._muni_keys.get(g, ())}
        qualified = [k for k in self._villages(grams, whole) if k.municipality_id in mentioned]
        if qualified:
            return [self._hit(k) for k in qualified]
        if whole in self._settlement_keys:
            return [self._hit(k) for k in self._settlement_keys[whole]]
        return None

    def _embedded(self, whole: str, parts: Sequence[str]) -> list[PlaceMatch]:
        """Find municipalities, then villages, named somewhere inside longer text."""
        grams = [g for part in parts for g in ngrams(part)]
        munis = [k for g in grams for k in self._muni_keys.get(g, ())]
        keys = [*munis, *self._villages(grams, whole)]
        return [self._hit(k, "fuzzy", EMBEDDED_SCORE) for k in keys]

    def _villages(self, grams: Sequence[str], whole: str) -> list[_Key]:
        """Return the villages named by word runs, skipping a town named like its municipality."""
        return [k for g in grams if len(g) >= MIN_EMBEDDED_KEY or g == whole
                for k in self._settlement_keys.get(g, ())
                if not _names_municipality(self._muni_keys.get(g, ()), k)]

    def _fuzzy(self, whole: str, parts: Sequence[str], country: str | None) -> list[PlaceMatch]:
        """Find names close to each typed part, for typos such as "Prishtna", at home only."""
        scored: list[tuple[float, int, PlaceMatch]] = []
        choices = self._fuzzy_choices.get(country) or self._fuzzy_choices[None]
        for query in dict.fromkeys((whole, *parts)):
            if len(query) < FUZZY_MIN_LENGTH or query in FILLERS:
                continue
            hits = process.extract(query, choices, scorer=fuzz.ratio,
                                   score_cutoff=_cutoff(query), limit=FUZZY_LIMIT)
            for choice, score, _index in hits:
                rank = 0 if choice in self._muni_keys else 1
                scored.extend((score, rank, self._hit(k, "fuzzy", score))
                              for k in self._keys(choice)
                              if country in (None, self._country(k)))
        scored.sort(key=lambda item: (-item[0], item[1]))
        best = scored[0][0] if scored else 0.0
        # People mostly type municipalities: a village only counts when it is closer than they are.
        best_muni = max((score for score, rank, _m in scored if rank == 0), default=0.0)
        return [match for score, rank, match in scored
                if score >= best - FUZZY_WINDOW and (rank == 0 or score > best_muni)]

    def _hit(self, key: _Key, how: str | None = None, score: float = 100.0) -> PlaceMatch:
        """Turn an index entry into a match."""
        s = key.settlement
        if s is None:
            m = self.municipalities[key.municipality_id]
            return PlaceMatch(m.id, how or key.how, score, lat=m.seat_lat, lon=m.seat_lon)
        return PlaceMatch(s.municipality_id, how or key.how, score, s.id, key.label or s.name,
                          s.lat, s.lon)


def _same_place(a: _Key, b: _Key) -> bool:
    """Tell whether two index entries lead to the same answer."""
    if a.settlement is None or b.settlement is None:
        return a.settlement is b.settlement and a.municipality_id == b.municipality_id
    return a.settlement.id == b.settlement.id


def _cutoff(query: str) -> float:
    """Return the least fuzzy score that counts for a query of this length."""
    if len(query) <= 5:
        return 88.0
    return 80.0 if len(query) <= 7 else 78.0


def _names_municipality(muni_keys: Iterable[_Key], village: _Key) -> bool:
    """Tell whether a word naming a village also names that village's own municipality."""
    return any(k.municipality_id == village.municipality_id for k in muni_keys)


def _collapse(matches: Iterable[PlaceMatch]) -> list[PlaceMatch]:
    """Keep the first match for each municipality, preserving order."""
    seen: dict[int, PlaceMatch] = {}
    for match in matches:
        seen.setdefault(match.municipality_id, match)
    return list(seen.values())


__all__ = ["Gazetteer", "MunicipalityEntry", "PlaceMatch", "SettlementEntry", "definite_forms"]
