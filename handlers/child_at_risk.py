"""Child at risk: danger first (with emergency numbers), then what, who, where and how."""

from __future__ import annotations

from handlers.categories import AGE_BANDS, CHILD_CONCERNS, SEXES
from handlers.emergency import emergency_reply
from handlers.filing import file_report
from handlers.flow import Context, Finished, Flow, State
from handlers.i18n import msg
from handlers.place import AskPlace, place_from
from handlers.steps import NO, YES, Choice, Choose, FreeText
from handlers.types import Reply

CONTACT_CHOICES = (
    Choice("anonymous", msg("Stay anonymous"), ("anonim", "anonimno", "anonymous", "a")),
    Choice("callback", msg("You may contact me here"), ("kontakt", "kontaktoni", "callback")),
)


def warn_if_danger(key: str, ctx: Context) -> tuple[Reply, ...]:
    """Show the emergency numbers at once when the child is in danger now."""
    if key != "yes":
        return ()
    return (emergency_reply(ctx.inbound.channel, ctx.inbound.address),)


def finish(ctx: Context, state: State) -> Finished:
    """File the report: urgent when the child is in danger now."""
    answers = state.answers
    return file_report(
        ctx, kind="child_at_risk", category=answers["concern"],
        urgent=answers["danger"] == "yes", place=place_from(answers["place"]),
        description=answers["description"],
        details={"age_band": answers["age"], "sex": answers["sex"]},
        anonymous=answers["contact"] == "anonymous",
        callback_consent=answers["contact"] == "callback",
    )


CHILD_AT_RISK = Flow(
    name="child_at_risk",
    title=msg("Child at risk"),
    steps=(
        Choose("danger", msg("In danger now"),
               msg("Is the child in immediate danger right now?"), (YES, NO),
               after=warn_if_danger),
        Choose("concern", msg("Concern"), msg("What are you worried about?"), CHILD_CONCERNS),
        Choose("age", msg("Age"), msg("About how old is the child?"), AGE_BANDS),
        Choose("sex", msg("Sex"), msg("Is the child a girl or a boy?"), SEXES),
        AskPlace("place", msg("Place"),
                 msg("Where is the child? Share your location with the button, or write the "
                     "village and the municipality."),
                 msg("Where is the child? Write the village and the municipality.")),
        FreeText("description", msg("Description"),
                 msg("Describe what you saw or know. Please do not write the child's full name."),
                 max_length=1000),
        Choose("contact", msg("Contact"),
               msg("May the social worker contact you here for more details? "
                   "Your name is never shared with anyone else."), CONTACT_CHOICES),
    ),
    finish=finish,
)
