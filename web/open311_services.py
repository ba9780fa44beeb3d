"""Open311 services: the public hazard categories, and nothing else, in the asked language.

Children at risk and school dropouts are never services here: they are not public, and a
report about a child must come through a channel that can ask the safeguarding questions.
A service has no attributes (`metadata: false`), so there are no service definitions.
"""

from __future__ import annotations

from typing import Any

from flask import Request

from handlers.categories import HAZARDS, KINDS
from handlers.i18n import Msg, msg
from locales import LANGUAGES, Catalogs

DESCRIPTIONS: dict[str, Msg] = {
    "open_pit": msg("A pit, manhole or shaft left open or uncovered, where a child could "
                    "fall in."),
    "riverbed": msg("A riverbed, stream or canal with no fence or railing, where children "
                    "play or pass."),
    "dump": msg("Rubbish, an illegal dump or dangerous waste where children pass or play."),
    "ruin": msg("A ruin or abandoned building that children can get into, or that could "
                "collapse."),
    "playground": msg("Broken swings, slides or other play equipment, or an unsafe "
                      "playground."),
    "traffic": msg("A pavement, pedestrian crossing or road where children on foot are in "
                   "danger."),
    "stray_dogs": msg("Stray dogs, alone or in packs, where children walk or play."),
    "school_area": msg("A danger at a school or on the children's way to it."),
    "water": msg("Open sewage, flooding, or no safe drinking water."),
    "other": msg("Any other public place that puts children in danger."),
}
CODES = tuple(choice.key for choice in HAZARDS)


def language_of(request: Request, default: str) -> str:
    """Return the language asked by `locale` or `lang` (sq_AL, sr-Latn, en), else `default`."""
    asked = (request.values.get("locale") or request.values.get("lang") or "")[:16]
    code = asked.replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else default


def services(catalogs: Catalogs, language: str) -> list[dict[str, Any]]:
    """Return every hazard category as an Open311 service, named in `language`."""
    group = catalogs(KINDS["hazard"], language)
    return [{"service_code": choice.key,
             "service_name": catalogs(choice.label, language),
             "description": catalogs(DESCRIPTIONS[choice.key], language),
             "metadata": False, "type": "realtime",
             "keywords": ", ".join(choice.words),
             "group": group} for choice in HAZARDS]
