"""Public hazard: what it is, where, an optional photo, and a few words."""

from __future__ import annotations

from handlers.categories import HAZARDS
from handlers.filing import file_report
from handlers.flow import Context, Finished, Flow, State
from handlers.i18n import msg
from handlers.place import AskPlace, place_from
from handlers.steps import Choose, FreeText, Photo


def finish(ctx: Context, state: State) -> Finished:
    """File the hazard; the reporter's identity is never passed on to anyone."""
    answers = state.answers
    return file_report(
        ctx, kind="hazard", category=answers["category"], place=place_from(answers["place"]),
        description=answers["description"], anonymous=True,
        photos=tuple(answers.get("photo") or ()),
    )


HAZARD = Flow(
    name="hazard",
    title=msg("Public hazard"),
    steps=(
        Choose("category", msg("Hazard"), msg("What kind of danger is it?"), HAZARDS),
        AskPlace("place", msg("Place"),
                 msg("Where is it? Share your location with the button, or write the village "
                     "or street and the municipality."),
                 msg("Where is it? Write the village or street and the municipality.")),
        Photo("photo", msg("Photo"),
              msg("If you can, send a photo of it. Otherwise press Skip.")),
        FreeText("description", msg("Description"),
                 msg("Describe the danger in a few words (what, exactly where)."), max_length=500),
    ),
    finish=finish,
)
