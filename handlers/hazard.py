"""Public hazard: what it is, where (joining a report of it nearby), a photo, and a few words."""

from __future__ import annotations

from handlers.categories import HAZARDS
from handlers.filing import file_report, said
from handlers.flow import Context, Finished, Flow, State
from handlers.i18n import msg
from handlers.nearby import NEW, SameAsNearby, joined, nearby_reports
from handlers.place import AskPlace, place_from
from handlers.steps import PHOTO_CHANNELS, Choose, FreeText, Photo


def finish(ctx: Context, state: State) -> Finished:
    """File the hazard, or join the one nearby; the reporter's identity is never passed on."""
    answers = state.answers
    existing = answers.get("existing")
    if isinstance(existing, str) and existing != NEW:
        return joined(existing)
    place = place_from(answers["place"])
    return file_report(
        ctx, kind="hazard", category=answers["category"], place=place,
        description=answers["description"], anonymous=True,
        details={"words": said(answers)} if said(answers) else {},
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
                 msg("Where is it? Write the village or street and the municipality."),
                 enrich=nearby_reports),
        SameAsNearby("existing", msg("Already reported"),
                     when=lambda answers: bool(answers.get("nearby"))),
        Photo("photo", msg("Photo"),
              msg("If you can, send a photo of it. Otherwise press Skip."),
              text_to="description"),
        FreeText("description", msg("Description"),
                 msg("Describe the danger in a few words (what, exactly where)."),
                 example=msg("an open manhole on the main road, in front of the school.")),
    ),
    finish=finish,
    # SMS carries no photo: the question is asked only where one can be sent.
    only_on={"photo": PHOTO_CHANNELS},
)
