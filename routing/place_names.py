"""How people write place names: filler words, definite forms, halves of divided towns."""

from __future__ import annotations

import re

from routing.text import fold

MAX_NGRAM = 5
# Leading words people put before a place: "fshati Arllat", "komuna e Drenasit", "selo ...".
FILLERS = frozenset({
    "fshati", "fshat", "fsh", "qyteti", "qytet", "lagja", "lagjja", "lagjes", "komuna",
    "komunes", "bashkia", "bashkise", "e", "i", "te", "tek", "ne", "nga", "afer", "prane",
    "opstina", "opstine", "selo", "grad", "u", "kod", "village", "town", "city", "municipality",
    "of", "in", "near", "the", "at",
})
PARTS = re.compile(r"[,;/\n()]+")
# Words that name one half of a divided town: Mitrovicë e Veriut, Severna Kosovska Mitrovica.
HALVES = frozenset({"veriut", "jugut", "veriore", "jugore", "severna", "juzna", "north",
                    "south"})


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


def undivided(name: str) -> str:
    """Return the folded name of the whole town a "north"/"south" name is half of, else ""."""
    words = fold(name).split()
    kept = [w for i, w in enumerate(words) if w not in HALVES
            and not (w in ("e", "se") and i + 1 < len(words) and words[i + 1] in HALVES)]
    return " ".join(kept) if len(kept) < len(words) else ""


def strip_fillers(folded: str) -> str:
    """Drop leading filler words such as "fshati" or "komuna e"; keep a lone filler word."""
    words = folded.split()
    start = 0
    while start < len(words) - 1 and words[start] in FILLERS:
        start += 1
    return " ".join(words[start:])


def ngrams(folded: str) -> list[str]:
    """Return the runs of up to MAX_NGRAM consecutive words, longest first."""
    words = folded.split()
    return [" ".join(words[i:i + n]) for n in range(min(MAX_NGRAM, len(words)), 0, -1)
            for i in range(len(words) - n + 1)]
