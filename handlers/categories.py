"""What can be reported, as slugs with their labels, plus roles and statuses in words."""

from __future__ import annotations

from handlers.i18n import Msg, msg
from handlers.steps import Choice
from handlers.types import Text

# The category of a child in danger reported before the reporter said what the concern is.
UNKNOWN_CATEGORY = "unknown"

KINDS: dict[str, Msg] = {
    "hazard": msg("Public hazard"),
    "child_at_risk": msg("Child at risk"),
    "dropout": msg("School dropout"),
}

HAZARDS = (
    Choice("open_pit", msg("Uncovered pit or manhole"), ("grope", "pusete", "pit")),
    Choice("riverbed", msg("Unprotected riverbed or canal"), ("lum", "lumi", "kanal")),
    Choice("dump", msg("Dump or rubbish"), ("deponi", "mbeturina", "smece")),
    Choice("ruin", msg("Ruin or abandoned building"), ("rrenoje", "ndertese")),
    Choice("playground", msg("Damaged playground or toys"), ("kend lojerash", "lodra")),
    Choice("traffic", msg("Unsafe pavement or crossing"), ("trotuar", "vendkalim")),
    Choice("stray_dogs", msg("Stray dogs"), ("qen", "psi", "dogs")),
    Choice("school_area", msg("Danger near a school"), ("shkolle", "shkolla", "skola")),
    Choice("water", msg("Sewage or no drinking water"), ("uje", "ujera", "voda")),
    Choice("other", msg("Other"), ("tjeter", "drugo")),
)

CHILD_CONCERNS = (
    Choice("violence", msg("Violence or abuse"), ("dhune", "abuzim", "nasilje")),
    Choice("sexual_abuse", msg("Sexual abuse"), ("abuzim seksual", "seksualno")),
    Choice("neglect", msg("Neglect or no parental care"), ("neglizhim", "zanemarivanje")),
    Choice("labour", msg("Hard or dangerous work"), ("pune", "rad")),
    Choice("street", msg("Child in the street or begging"), ("rruge", "lypje", "prosjacenje")),
    Choice("trafficking", msg("Trafficking"), ("trafikim", "trgovina")),
    Choice("disability", msg("Child with disabilities without care"), ("aftesi", "invaliditet")),
    Choice("school", msg("Dropout or not enrolled"), ("braktisje", "mosregjistrim")),
    Choice("other", msg("Other"), ("tjeter", "drugo")),
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
    Choice("0-5", msg("0 to 5 years")),
    Choice("6-11", msg("6 to 11 years")),
    Choice("12-14", msg("12 to 14 years")),
    Choice("15-17", msg("15 to 17 years")),
    Choice("unknown", msg("I don't know"), ("nuk e di", "ne znam")),
)

SEXES = (
    Choice("girl", msg("Girl"), ("vajze", "devojcica", "f")),
    Choice("boy", msg("Boy"), ("djale", "decak", "m")),
    Choice("unknown", msg("I'd rather not say / don't know"), ("nuk e di", "ne znam")),
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
