"""Typed place names to municipalities: exact names and aliases, villages, then fuzzy."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from routing.text import fold

# Nobody types a place name this long; refusing it keeps the fuzzy pass cheap.
MAX_TEXT = 200
MAX_NGRAM = 5
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
# Leading words people put before a place: "fshati Arllat", "komuna e Drenasit", "selo ...".
FILLERS = frozenset({
    "fshati", "fshat", "fsh", "qyteti", "qytet", "lagja", "lagjja", "lagjes", "komuna",
    "komunes", "bashkia", "bashkise", "e", "i", "te", "tek", "ne", "nga", "afer", "prane",
    "opstina", "opstine", "selo", "grad", "u", "kod", "village", "town", "city", "municipality",
    "of", "in", "near", "the", "at",
})
_PARTS = re.compile(r"[,;/\n()]+")


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
        for s in settlements:
            if s.municipality_id in self.municipalities:
                for name in (s.name, *s.alt_names):
                    key = _Key(s.municipality_id, "settlement", s, name)
                    self._add(self._settlement_keys, name, key)
        self._fuzzy_choices = list(self._muni_keys) + [
            k for k in self._settlement_keys if k not in self._muni_keys]

    @staticmethod
    def _add(index: dict[str, list[_Key]], name: str, key: _Key) -> None:
        """File `key` under the folded `name`, a municipality's name before its aliases."""
        folded = fold(name)
        if not folded:
            return
        entries = index.setdefault(folded, [])
        if not any(_same_place(e, key) for e in entries):
            entries.append(key)

    def match(self, text: str) -> list[PlaceMatch]:
        """Return the places `text` may name, best first, at most one per municipality."""
        if len(text) > MAX_TEXT:
            return []
        folded = [p for p in (fold(part) for part in _PARTS.split(text)) if p]
        parts = [_strip_fillers(p) for p in folded]
        whole = " ".join(parts)
        # "Komuna e Drenasit" is itself an alias, so try the text before dropping filler words.
        for candidate in (" ".join(folded), whole):
            if candidate in self._muni_keys:
                return _collapse(self._hit(k) for k in self._muni_keys[candidate])
        if not whole:
            return []
        found = self._exact(whole, parts)
        if found is not None:
            return _collapse(found)
        embedded = self._embedded(whole, parts)
        fuzzy = self._fuzzy(whole, parts)
        if embedded:
            fuzzy = [m for m in fuzzy if m.score >= FUZZY_STRONG]
            return _collapse([*fuzzy, *embedded])
        return _collapse(fuzzy)

    def _exact(self, whole: str, parts: Sequence[str]) -> list[PlaceMatch] | None:
        """Find a village qualified by its municipality ("Arllat, Drenas"), or a village's name."""
        grams = [g for part in parts for g in _ngrams(part)]
        mentioned = {k.municipality_id for g in grams for k in self._muni_keys.get(g, ())}
        qualified = [k for k in self._villages(grams, whole) if k.municipality_id in mentioned]
        if qualified:
            return [self._hit(k) for k in qualified]
        if whole in self._settlement_keys:
            return [self._hit(k) for k in self._settlement_keys[whole]]
        return None

    def _embedded(self, whole: str, parts: Sequence[str]) -> list[PlaceMatch]:
        """Find municipalities, then villages, named somewhere inside longer text."""
        grams = [g for part in parts for g in _ngrams(part)]
        munis = [k for g in grams for k in self._muni_keys.get(g, ())]
        keys = [*munis, *self._villages(grams, whole)]
        return [self._hit(k, "fuzzy", EMBEDDED_SCORE) for k in keys]

    def _villages(self, grams: Sequence[str], whole: str) -> list[_Key]:
        """Return the villages named by word runs, skipping a town named like its municipality."""
        return [k for g in grams if len(g) >= MIN_EMBEDDED_KEY or g == whole
                for k in self._settlement_keys.get(g, ())
                if not _names_municipality(self._muni_keys.get(g, ()), k)]

    def _fuzzy(self, whole: str, parts: Sequence[str]) -> list[PlaceMatch]:
        """Find names close to each typed part, for typos such as "Prishtna"."""
        scored: list[tuple[float, int, PlaceMatch]] = []
        for query in dict.fromkeys((whole, *parts)):
            if len(query) < FUZZY_MIN_LENGTH or query in FILLERS:
                continue
            hits = process.extract(query, self._fuzzy_choices, scorer=fuzz.ratio,
                                   score_cutoff=_cutoff(query), limit=FUZZY_LIMIT)
            for choice, score, _index in hits:
                keys = self._muni_keys.get(choice) or self._settlement_keys[choice]
                rank = 0 if choice in self._muni_keys else 1
                scored.extend((score, rank, self._hit(k, "fuzzy", score)) for k in keys)
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


def definite_forms(name: str) -> tuple[str, ...]:
    """Return the definite form Albanians often write a place in: Prishtina, Prizreni, Shkodra."""
    head, joiner, tail = name.partition(" e ")  # "Mitrovicë e Veriut": inflect the first part
    words = head.split()
    if not words:
        return ()
    last = words[-1]
    if last.endswith("ër"):
        inflected = last[:-2] + "ra"
    elif last.endswith("ë"):
        inflected = last[:-1] + "a"
    elif last.endswith("i"):
        inflected = last + "a"
    elif last[-1:] in ("k", "g", "h"):
        inflected = last + "u"
    elif last[-1:].isalpha() and last[-1:] not in "aeiouy":
        inflected = last + "i"
    else:
        return ()
    return (" ".join([*words[:-1], inflected]) + joiner + tail,)


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


def _strip_fillers(folded: str) -> str:
    """Drop leading filler words such as "fshati" or "komuna e"; keep a lone filler word."""
    words = folded.split()
    start = 0
    while start < len(words) - 1 and words[start] in FILLERS:
        start += 1
    return " ".join(words[start:])


def _ngrams(folded: str) -> list[str]:
    """Return the runs of up to MAX_NGRAM consecutive words, longest first."""
    words = folded.split()
    return [" ".join(words[i:i + n]) for n in range(min(MAX_NGRAM, len(words)), 0, -1)
            for i in range(len(words) - n + 1)]


def _collapse(matches: Iterable[PlaceMatch]) -> list[PlaceMatch]:
    """Keep the first match for each municipality, preserving order."""
    seen: dict[int, PlaceMatch] = {}
    for match in matches:
        seen.setdefault(match.municipality_id, match)
    return list(seen.values())
