"""Where can I find help? A citizen picks a need and a municipality and gets its services.

Started from the menu ("Ku të gjej ndihmë?") or by the keyword SHERBIME (USLUGE, SERVICES),
maybe with the need after it ("SHERBIME psikolog"). Nothing is filed and nobody is told:
the answer is the directory itself. See find_help.mmd.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from handlers.choices import understand
from handlers.directory import directory_reply
from handlers.flow import Context, Finished, Flow, State
from handlers.help_place import AskHelpPlace
from handlers.i18n import Msg, msg
from handlers.needs import ANY, NEEDS
from handlers.place import AskPlace, place_from
from handlers.steps import Choose

NAME = "services"


def finish(ctx: Context, state: State) -> Finished:
    """Look the services up and show them; the flow ends there."""
    place = place_from(state.answers["place"])
    need = str(state.answers["need"])
    found = ctx.world.services(place.municipality_id, None if need == ANY else need,
                               ctx.language)
    return Finished((), (directory_reply(place, need, found),))


def need_said(ctx: Context, words: str) -> dict[str, Any]:
    """Return the need written after the keyword ("SHERBIME psikolog") as an answer, if clear."""
    if not words.strip():
        return {}
    said = replace(ctx, inbound=replace(ctx.inbound, text=words, option=None, kind="text"))
    found = understand(NEEDS, said)
    if isinstance(found, Msg) or len(found) != 1:
        return {}
    return {"need": found[0].key}


SERVICES = Flow(
    name=NAME,
    title=msg("Where can I find help?"),
    steps=(
        Choose("need", msg("Help needed"), msg("What kind of help are you looking for?"),
               NEEDS),
        AskHelpPlace("place", msg("Municipality"), AskPlace(
            "place", msg("Municipality"),
            msg("In which municipality are you looking for help? Share your location with "
                "the button, or write the municipality or village."),
            msg("In which municipality are you looking for help? Write the municipality or "
                "village."))),
    ),
    finish=finish,
    confirm=False,  # nothing is sent anywhere: no summary to confirm
)
