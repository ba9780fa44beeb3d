"""The reason a pupil is away, recognised from the words teachers use in sq, sr and en.

The teacher's words are always kept verbatim beside the recognised reason; recognising
only sorts the report (work, illness, migration, early marriage, poverty), so a word missed
here costs a label, never what was said.
"""

from __future__ import annotations

from routing.text import fold

# Folded word beginnings: "pun" covers punë, punon, punojnë; "semur" sëmurë, sëmuret.
STEMS: dict[str, tuple[str, ...]] = {
    "work": ("pun", "ndertim", "bujqes", "blegtor", "bageti", "zanat", "fabrik", "shites", "tregt",
             "gradilist", "zaradj", "nadnic", "poljoprivred", "zaposl", "farm",
             "construct", "labou", "labor", "employ"),
    "illness": ("semund", "semur", "spital", "shendet", "mjek", "operacion", "bolest",
                "bolesn", "bolnic", "lecen", "lijecen", "hospital", "sick", "illness",
                "diseas"),
    "migration": ("migr", "emigr", "mergim", "mergu", "jasht", "gjermani", "zvicer",
                  "austri", "itali", "angli", "franc", "suedi", "belgjik", "amerik",
                  "kurbet", "iselil", "iselj", "inostran", "nemack", "njemack", "svajcar",
                  "abroad", "german", "switzerland"),
    "early_marriage": ("martes", "martu", "fejes", "fejua", "nuse", "zaruc", "zaruk",
                       "veren", "svadb", "marri", "engag", "bride", "wedding"),
    "poverty": ("varf", "skamj", "siromas", "sirotinj", "poor", "povert", "afford"),
}
# Whole words and word pairs that are too short to be beginnings.
WORDS: dict[str, tuple[str, ...]] = {
    "work": ("rad", "radi", "radio", "radila", "job", "jobs", "work", "works", "worked",
             "working", "ara", "arat", "treg", "tregu", "shet", "posao", "posla", "poslu"),
    "illness": ("ill",),
    "migration": ("otisli", "otisla", "otisao"),
    "early_marriage": ("brak", "braka", "braku", "udala", "udata", "udaje", "udaja"),
    "poverty": ("leke", "s kane", "s kan", "nuk kane", "nuk kan", "nemaju", "nema para",
                "no money", "pa para"),
    "unknown": ("nuk e di", "nuk dihet", "s e di", "ne znam", "ne zna se", "nepoznat",
                "unknown", "panjohur", "e panjohur", "don t know"),
}
ORDER = ("work", "illness", "migration", "early_marriage", "poverty")


def recognise(text: str) -> str | None:
    """Return the reason the words name (work, illness, …, unknown), or None if none.

    The reason mentioned most wins; between equals, the one mentioned first.
    """
    tokens = fold(text).split()
    pairs = [" ".join(tokens[i:i + n]) for n in (3, 2) for i in range(len(tokens) - n + 1)]
    found: dict[str, tuple[int, int]] = {}  # reason -> (mentions, first position)
    for position, token in enumerate(tokens):
        for reason in (*ORDER, "unknown"):
            if token in WORDS[reason] or (
                    len(token) >= 3 and token.startswith(STEMS.get(reason, ()))):
                count, first = found.get(reason, (0, position))
                found[reason] = (count + 1, first)
    for phrase in pairs:
        for reason, words in WORDS.items():
            if phrase in words:
                count, first = found.get(reason, (0, len(tokens)))
                found[reason] = (count + 1, first)
    known = {r: v for r, v in found.items() if r != "unknown"}
    if known:
        return min(known, key=lambda r: (-known[r][0], known[r][1]))
    return "unknown" if "unknown" in found else None
