"""What a service helps with, as slugs with labels and the words people use for each need.

The slugs are those of models/services.py `NEEDS`; a test keeps the two lists equal. Words
are whole answers, stems are word beginnings found inside a sentence (handlers/choices.py),
in Albanian, Serbian and English, folded.
"""

from __future__ import annotations

from handlers.choices import Choice
from handlers.i18n import Msg, msg
from handlers.types import Text
from handlers.words import DONT_KNOW

ANY = "any"  # the person does not know which need: every service of the municipality

NEEDS = (
    Choice("psychosocial", msg("Psychological and social support"),
           ("psikolog", "psikologe", "psikologu", "psikologjik", "psikologjike",
            "psikosocial", "psikosociale", "keshillim", "keshilltar", "psiholog", "psiholoska",
            "psiholoska pomoc", "psihosocijalna", "savetovanje", "savetovaliste",
            "psychologist", "psychological", "psychosocial", "counselling", "counseling",
            "therapy", "terapi", "terapia", "terapija"),
           ("psiko", "psiqi", "psiho", "psych", "keshill", "savet", "counsel", "terap",
            "therap", "stres", "depres", "traum", "ankth", "mental", "emocion", "emotion",
            "social", "socijal")),
    Choice("health", msg("Health care"),
           ("shendet", "shendeti", "shendetesi", "mjek", "mjeku", "doktor", "spital",
            "ambulanta", "qkmf", "qmf", "zdravlje", "lekar", "bolnica", "dom zdravlja",
            "health", "doctor", "hospital", "clinic"),
           ("shendet", "mjek", "doktor", "spital", "semur", "semundj", "ambulant", "zdravl",
            "zdravst", "lekar", "lijecn", "bolnic", "bolest", "health", "doctor", "hospital",
            "clinic", "medic", "ilaq", "barna", "vaksin", "vakcin")),
    Choice("education", msg("Education and school support"),
           ("arsim", "arsimi", "shkolle", "shkolla", "mesim", "obrazovanje", "skola",
            "education", "school", "tutoring"),
           ("arsim", "shkoll", "mesim", "mesues", "obrazov", "skol", "ucen", "ucitelj",
            "educat", "school", "tutor", "knjig", "libra")),
    Choice("legal_aid", msg("Free legal aid"),
           ("ndihme juridike", "juridike", "juridik", "avokat", "avokati", "jurist",
            "pravna pomoc", "besplatna pravna pomoc", "advokat", "pravnik", "legal aid",
            "lawyer", "legal"),
           ("jurid", "avokat", "jurist", "ligj", "gjykat", "pravn", "advokat", "sudsk",
            "legal", "lawyer", "court")),
    Choice("shelter", msg("Shelter"),
           ("strehim", "strehimi", "strehe", "streha", "strehimore", "skloniste",
            "sigurna kuca", "smestaj", "shelter", "safe house", "housing"),
           ("streh", "banes", "pa shtepi", "shtepi e sigurt", "sklonist", "smestaj",
            "sigurna kuc", "bez krova", "shelter", "housing", "homeless", "safe house")),
    Choice("financial_aid", msg("Financial or material aid"),
           ("ndihme financiare", "ndihme ekonomike", "ndihme sociale", "asistence sociale",
            "para", "pare", "leke", "ushqim", "finansijska pomoc", "socijalna pomoc",
            "novac", "hrana", "financial aid", "money", "food"),
           ("financ", "ekonomik", "skamj", "varfer", "ushqim", "asistenc", "finansij",
            "novac", "novc", "siromas", "hran", "money", "food", "poverty", "benefit")),
    Choice("disability", msg("Disability support"),
           ("aftesi te kufizuara", "aftesi", "invaliditet", "invalid", "hendikep",
            "autizem", "autizam", "autism", "disability", "smetnje u razvoju"),
           ("aftesi", "kufizuar", "invalid", "hendikep", "paaftes", "autiz", "sindrom",
            "disab", "nevoja te vecanta", "posebn", "smetn", "karroc", "kolica",
            "wheelchair")),
    Choice("violence", msg("Protection from violence"),
           ("dhune", "dhuna", "abuzim", "nasilje", "violence", "abuse", "dhune ne familje",
            "porodicno nasilje", "domestic violence"),
           ("dhun", "rrah", "abuz", "keqtrajt", "maltret", "nasilj", "zlostav", "violen",
            "abus", "beat")),
    Choice(ANY, msg("I don't know: show them all"),
           (*DONT_KNOW, "te gjitha", "gjithcka", "te gjitha sherbimet", "cdo gje", "sve",
            "sve usluge", "all", "all services", "any", "everything")),
)
NEED_KEYS = tuple(choice.key for choice in NEEDS if choice.key != ANY)

LANGUAGE_NAMES: dict[str, Msg] = {
    "sq": msg("Albanian"),
    "sr": msg("Serbian"),
    "en": msg("English"),
    "tr": msg("Turkish"),
    "bs": msg("Bosnian"),
    "rom": msg("Romani"),
}


def need_label(key: str) -> Text:
    """Return a need's label (the slug itself, unchanged, when it is not one of ours)."""
    return next((c.label for c in NEEDS if c.key == key), msg(key))
