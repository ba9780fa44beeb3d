"""What can be reported, as slugs with their labels, plus roles and statuses in words."""

from __future__ import annotations

from handlers.choices import Choice
from handlers.i18n import Msg, msg
from handlers.types import Text
from handlers.words import DONT_KNOW

# The category of a child in danger reported before the reporter said what the concern is.
UNKNOWN_CATEGORY = "unknown"

KINDS: dict[str, Msg] = {
    "hazard": msg("Public hazard"),
    "child_at_risk": msg("Child at risk"),
    "dropout": msg("School dropout"),
}

# Words are whole answers; stems are word beginnings that hint at an option inside a sentence
# (see handlers/choices.py), in Albanian, Serbian and English, folded.
HAZARDS = (
    Choice("open_pit", msg("Uncovered pit or manhole"),
           ("grope", "pusete", "pit", "manhole", "rupa", "sahta"),
           ("grop", "puset", "kapak", "rup", "sahta", "manhole", "hole")),
    Choice("riverbed", msg("Unprotected riverbed or canal"), ("lum", "lumi", "kanal", "reka"),
           ("lum", "perro", "perrua", "reka", "reci", "potok", "river", "canal")),
    Choice("dump", msg("Dump or rubbish"), ("deponi", "mbeturina", "smece", "plehra"),
           ("depon", "mbetur", "pleh", "smec", "djubr", "otpad", "rubbish", "garbage", "trash")),
    Choice("ruin", msg("Ruin or abandoned building"), ("rrenoje", "ndertese"),
           ("rrenoj", "rrenu", "ndertes", "shemb", "rusevin", "ruin", "building")),
    Choice("playground", msg("Damaged playground or toys"), ("kend lojerash", "lodra"),
           ("lojer", "lojr", "kend", "lodr", "lekunds", "igralist", "ljuljas", "tobogan",
            "playground")),
    Choice("traffic", msg("Unsafe pavement or crossing"), ("trotuar", "vendkalim"),
           ("trotuar", "trotoar", "vendkalim", "semafor", "vetur", "makin", "trafik", "pesack",
            "kryqezim", "crossing", "pavement", "sidewalk")),
    Choice("stray_dogs", msg("Stray dogs"), ("qen", "psi", "dogs", "qent"),
           ("qent", "qenve", "qenit", "qene", "psi", "pasa", "dog", "kafsh", "lavir")),
    Choice("school_area", msg("Danger near a school"), ("shkolle", "shkolla", "skola"),
           ("shkoll", "skol", "school", "oborr", "nxenes")),
    Choice("water", msg("Sewage or no drinking water"), ("uje", "ujera", "voda"),
           ("uje", "ujer", "kanalizim", "kanalizacij", "vod", "pijsh", "sewage", "water")),
    Choice("other", msg("Other"), ("tjeter", "drugo", "other")),
)

CHILD_CONCERNS = (
    Choice("violence", msg("Violence or abuse"), ("dhune", "dhuna", "abuzim", "nasilje"),
           ("dhun", "rrah", "godit", "godas", "qell", "maltret", "keqtrajt", "kercen", "abuz",
            "nasilj", "tuc", "zlostavlj", "violen", "beat", "hit")),
    Choice("sexual_abuse", msg("Sexual abuse"), ("abuzim seksual", "seksualno", "seksual"),
           ("seksual", "perdhun", "ngacm", "abuz", "silov", "sexual", "molest", "rape")),
    Choice("neglect", msg("Neglect or no parental care"), ("neglizhim", "zanemarivanje"),
           ("neglizh", "vetem", "lene", "uri", "ngren", "pa ushqim", "kujdes", "braktis",
            "zanemar", "gladn",
            "sam kod", "neglect", "alone", "hungry")),
    Choice("labour", msg("Hard or dangerous work"), ("pune", "rad"),
           ("pun", "ndertim", "bujqes", "rad", "work", "labo")),
    Choice("street", msg("Child in the street or begging"), ("rruge", "lypje", "prosjacenje"),
           ("lyp", "rrug", "prosj", "ulic", "street", "beg")),
    Choice("trafficking", msg("Trafficking"), ("trafikim", "trgovina"),
           ("trafik", "trgovin", "traffick", "rremb", "otmic", "shes", "shit", "prodaj")),
    Choice("disability", msg("Child with disabilities without care"), ("aftesi", "invaliditet"),
           ("aftesi", "invalid", "hendikep", "paaftes", "potreb", "autiz", "disab")),
    Choice("school", msg("Dropout or not enrolled"), ("braktisje", "mosregjistrim"),
           ("shkoll", "braktis", "regjistr", "mesim", "skol", "school")),
    Choice("other", msg("Other"), ("tjeter", "drugo", "other")),
)

DROPOUT_STATUSES = (
    Choice("absence", msg("Prolonged absence"), ("mungese", "izostanak")),
    Choice("dropout", msg("Left school"), ("braktisje", "napustanje")),
    Choice("not_enrolled", msg("Not enrolled"), ("paregjistruar", "neupisan")),
    Choice("at_risk", msg("At risk of dropping out"), ("rrezik", "rizik")),
)

DROPOUT_REASONS = (
    Choice("work", msg("Work"), ("pune", "rad")),
    Choice("illness", msg("Illness"), ("semundje", "bolest")),
    Choice("migration", msg("Migration"), ("migrim", "migracija", "emigrim")),
    Choice("early_marriage", msg("Early marriage"), ("martese", "brak")),
    Choice("poverty", msg("Poverty"), ("varferi", "siromastvo")),
    Choice("unknown", msg("Unknown"), ("nuk e di", "ne znam", "panjohur")),
)

AGE_BANDS = (
    Choice("0-5", msg("0\u20135 years")),
    Choice("6-11", msg("6\u201311 years")),
    Choice("12-14", msg("12\u201314 years")),
    Choice("15-17", msg("15\u201317 years")),
    Choice("unknown", msg("I don't know"), DONT_KNOW),
)

SEXES = (
    Choice("girl", msg("Girl"), ("vajze", "vajza", "goce", "goca", "cupe", "cupa", "femer",
                                 "devojcica", "devojka", "zensko", "girl", "f", "female"),
           ("vajz", "goc", "cup", "femr", "devoj", "zensk", "girl")),
    Choice("boy", msg("Boy"), ("djale", "djali", "cun", "cuni", "mashkull", "decak", "musko",
                               "boy", "m", "male"),
           ("djal", "cun", "mashk", "decak", "musk", "boy")),
    Choice("unknown", msg("I'd rather not say / don't know"),
           (*DONT_KNOW, "nuk dua te them", "s dua te them", "sdua", "ne zelim da kazem",
            "prefer not", "rather not")),
)

ROLES: dict[str, Msg] = {
    "child_protection": msg("the child-protection worker (Centre for Social Work)"),
    "police_liaison": msg("the police liaison officer"),
    "dropout_team": msg("the school's dropout prevention team"),
    "education": msg("the municipal education directorate"),
    "public_services": msg("the municipal public services"),
    "school": msg("the school's contact point"),
    "coordinator": msg("the municipal coordinator"),
    "national": msg("the national child-protection office"),
}

STATUSES: dict[str, Msg] = {
    "received": msg("received"),
    "routed": msg("sent to the responsible office"),
    "acknowledged": msg("taken up by the responsible office"),
    "in_progress": msg("being handled"),
    "resolved": msg("resolved"),
    "closed": msg("closed"),
    "reopened": msg("reopened: not fixed yet"),
}


def label(choices: tuple[Choice, ...], key: str) -> Text:
    """Return the label of a slug in a list of choices (the slug itself if unknown)."""
    return next((c.label for c in choices if c.key == key), msg(key))


def category_label(kind: str, category: str) -> Text:
    """Return the label of a report's category for its kind."""
    if category == UNKNOWN_CATEGORY:
        return msg("concern not said yet")
    table = {"hazard": HAZARDS, "child_at_risk": CHILD_CONCERNS, "dropout": DROPOUT_STATUSES}
    return label(table.get(kind, ()), category)
