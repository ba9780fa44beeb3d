"""Child at risk: danger first; a child in danger is reported as soon as the place is known.

"Yes, in danger now" shows the emergency numbers at once, asks where the child is, and files
the report as urgent right then, before anything else is asked: whoever stops answering
after that has still reported the child. The remaining answers each go to the same report
and reach the focal point already alerted. Otherwise the concern and the place come first;
from then on, a conversation left unanswered is filed as incomplete rather than lost, and
the person is told so. The child's name is never asked for.
"""

from __future__ import annotations

from typing import Any

from handlers.age import AskAge
from handlers.categories import AGE_BANDS, CHILD_CONCERNS, SEXES, UNKNOWN_CATEGORY
from handlers.emergency import emergency_reply
from handlers.filing import file_report, make_draft, said, target_text
from handlers.flow import Context, Finished, Flow, State
from handlers.i18n import Verbatim, msg
from handlers.place import AskPlace, place_from
from handlers.place_unknown import is_unknown
from handlers.steps import DANGER_YES, NO, Choice, Choose, FreeText
from handlers.types import AddToReport, FileReport, Reply
from handlers.words import NO_WORDS, YES_WORDS

CONTACT_CHOICES = (
    Choice("anonymous", msg("Stay anonymous"),
           ("anonim", "anonimno", "anonymous", "mos me kontaktoni", "mos me telefononi",
            "mos me thirrni", "ne kontaktirajte me", "ne zovite me", *NO_WORDS),
           ("anonim", "mos me", "pa emer", "ne zovite", "don t call")),
    Choice("callback", msg("You may contact me here"),
           ("kontakt", "kontaktoni", "callback", "mundeni", "moze", *YES_WORDS),
           ("kontakt", "telefon", "thirr", "pozov", "zov", "call")),
)
CHILD_WHERE = msg("Where is the child? Share your location with the button, or write the "
                  "village and the municipality.")
CHILD_WHERE_SMS = msg("Where is the child? Write the village and the municipality.")


def in_danger(answers: dict[str, Any]) -> bool:
    """Tell whether the reporter said the child is in danger right now."""
    return answers.get("danger") == "yes"


def not_in_danger(answers: dict[str, Any]) -> bool:
    """Tell whether the reporter said the child is not in immediate danger."""
    return answers.get("danger") == "no"


def warn_if_danger(key: str, ctx: Context) -> tuple[Reply, ...]:
    """Show the emergency numbers at once when the child is in danger now."""
    if key != "yes":
        return ()
    return (emergency_reply(ctx.inbound.channel, ctx.inbound.address),)


def where(answers: dict[str, Any]) -> dict[str, Any] | None:
    """Return the settled place, whichever of the two place questions asked it."""
    found = answers.get("where_now") or answers.get("place")
    return found if isinstance(found, dict) else None


def details(answers: dict[str, Any]) -> dict[str, Any]:
    """Return the child's details known so far, and the reporter's words where they chose."""
    known = {"age_band": answers.get("age"), "sex": answers.get("sex"),
             "words": said(answers) or None}
    return {key: value for key, value in known.items() if value is not None}


def report_fields(ctx: Context, state: State, *, urgent: bool,
                  incomplete: bool) -> dict[str, Any]:
    """Return the report's fields from the answers given so far."""
    answers = state.answers
    place = where(answers)
    contact = answers.get("contact")
    known = place is not None and not is_unknown(place)
    country = place.get("country") if place is not None and not known else None
    return {
        "kind": "child_at_risk", "category": answers.get("concern", UNKNOWN_CATEGORY),
        "urgent": urgent, "place": place_from(place) if place is not None and known else None,
        "country": country or ctx.world.reporter_country(ctx.inbound.channel,
                                                         ctx.inbound.address),
        "description": answers.get("description", ""), "details": details(answers),
        "anonymous": contact != "callback", "callback_consent": contact == "callback",
        "incomplete": incomplete,
    }


def finish(ctx: Context, state: State) -> Finished:
    """File the report after the summary (a child not in immediate danger)."""
    return file_report(ctx, **report_fields(ctx, state, urgent=in_danger(state.answers),
                                            incomplete=False))


def file_now(ctx: Context, state: State) -> Finished | None:
    """File an urgent report the moment the place of a child in danger is known."""
    if not in_danger(state.answers) or where(state.answers) is None:
        return None
    draft = make_draft(ctx, **report_fields(ctx, state, urgent=True, incomplete=True))
    reference = Verbatim(draft.reference)
    sent = Reply((
        msg("Your report {reference} has been sent as URGENT to {targets}.",
            reference=reference, targets=target_text(draft.routing)),
        msg("If you can, answer a few more questions: each answer goes straight to them."),
    ))
    return Finished((FileReport(draft),), (sent,))


def supplement(ctx: Context, state: State, final: bool) -> AddToReport:
    """Return the answers so far as an addition to the report filed early."""
    fields = report_fields(ctx, state, urgent=True, incomplete=not final)
    changes = {name: fields[name] for name in ("description", "details", "incomplete")}
    changes["category"] = state.answers.get("concern")
    if "contact" in state.answers:
        changes.update(anonymous=fields["anonymous"],
                       callback_consent=fields["callback_consent"])
    return AddToReport(str(state.filed), changes)


def closing(ctx: Context, state: State) -> tuple[Reply, ...]:
    """Thank the reporter once every answer has gone to the report filed early."""
    reference = Verbatim(str(state.filed))
    return (Reply((
        msg("Thank you. Everything you told us has been added to report {reference}.",
            reference=reference),
        msg("To follow it: STATUS {reference}.", reference=reference),
    )),)


def keep_if(answers: dict[str, Any]) -> bool:
    """Tell whether an abandoned report holds enough to act on: the concern and the place."""
    return not_in_danger(answers) and "concern" in answers and where(answers) is not None


def abandoned(ctx: Context, state: State) -> Finished:
    """File what an abandoned report holds, marked incomplete, and say so."""
    draft = make_draft(ctx, **report_fields(ctx, state, urgent=False, incomplete=True))
    reference = Verbatim(draft.reference)
    said = Reply((
        msg("You stopped answering, so we sent what you had told us to {targets} as report "
            "{reference}.", targets=target_text(draft.routing), reference=reference),
        msg("To follow it: STATUS {reference}.", reference=reference),
    ))
    return Finished((FileReport(draft),), (said,))


CHILD_AT_RISK = Flow(
    name="child_at_risk",
    title=msg("Child at risk"),
    steps=(
        Choose("danger", msg("In danger now"),
               msg("Is the child in immediate danger right now?"), (DANGER_YES, NO),
               after=warn_if_danger),
        AskPlace("where_now", msg("Place"),
                 msg("Where is the child now? Share your location with the button, or write "
                     "the village and the municipality."),
                 msg("Where is the child now? Write the village and the municipality."),
                 when=in_danger, unknown_ok=True),
        Choose("concern", msg("Concern"), msg("What are you worried about?"), CHILD_CONCERNS),
        AskPlace("place", msg("Place"), CHILD_WHERE, CHILD_WHERE_SMS, when=not_in_danger,
                 unknown_ok=True),
        AskAge("age", msg("Age"), msg("About how old is the child?"), AGE_BANDS),
        Choose("sex", msg("Sex"), msg("Is the child a girl or a boy?"), SEXES),
        FreeText("description", msg("Description"),
                 msg("Describe what you saw or know. Please do not write the child's full name."),
                 example=msg("the two children of the neighbours are left alone at home all "
                             "day and have nothing to eat.")),
        Choose("contact", msg("Contact"),
               msg("May the social worker contact you here for more details? "
                   "Your name is never shared with anyone else."), CONTACT_CHOICES),
    ),
    finish=finish,
    early=file_now,
    supplement=supplement,
    closing=closing,
    keep_if=keep_if,
    abandoned=abandoned,
    reassure=msg("Thank you. Even if you stop here, what you have told us so far will reach "
                 "a social worker."),
)
