"""The menu a person sees when no report is under way, the greeting, and help."""

from __future__ import annotations

from handlers.categories import CHILD_CONCERNS, HAZARDS
from handlers.flow import Context
from handlers.i18n import Msg, msg
from handlers.steps import Choice, as_options
from handlers.types import Reply


def hints(choices: tuple[Choice, ...]) -> tuple[str, ...]:
    """Return the words and stems that hint at any of a flow's categories, "other" left out."""
    return tuple(dict.fromkeys(hint for choice in choices if choice.key != "other"
                               for hint in (*choice.stems, *choice.words)))


# Word beginnings (folded) that name a child, in any of our languages.
CHILD_WORDS = ("femij", "dete", "deca", "dec", "child", "vajz", "djal")

# A first message that already says what happened ("ka qen endacakë te shkolla") starts
# the flow it speaks of; one hinting at both asks which.
MENU = (
    Choice("hazard", msg("Report a public hazard"), ("rrezik publik", "hazard", "opasnost"),
           ("rrezik publik", "hazard", "opasnost", *hints(HAZARDS))),
    Choice("child_at_risk", msg("Report a child at risk"),
           ("femije", "femije ne rrezik", "dete", "child"),
           (*CHILD_WORDS, *hints(CHILD_CONCERNS))),
    Choice("dropout", msg("Flag a school dropout (teachers)"), ("braktisje", "dropout"),
           ("braktis", "nxenes", "dropout")),
    Choice("services", msg("Where can I find help?"),
           ("sherbime", "sherbimet", "usluge", "services", "ku te gjej ndihme"),
           ("sherbim", "uslug", "servic", "ku te gjej", "ku mund te gjej", "gde da nadj",
            "gde mogu da nadj", "where can i")),
    Choice("status", msg("Status of my report"), ("status", "statusi"),
           ("status", "gjendj", "raportin tim", "raporti im", "prijav")),
    Choice("language", msg("Language / Gjuha / Jezik"), ("gjuha", "jezik", "language"),
           ("gjuh", "jezik", "language")),
    Choice("help", msg("Help"), ("ndihme", "pomoc", "help"), ("ndihm", "pomo", "help")),
    Choice("subscribe", msg("Receive awareness messages"),
           ("abonohu", "mesazhe", "mesazhe ndergjegjesuese", "pretplata", "poruke",
            "awareness"), ("ndergjegjes", "abono", "pretplat", "awareness", "subscri")),
)


def menu_choices(is_teacher: bool) -> tuple[Choice, ...]:
    """Return the menu entries this person may use (dropout flags only for teachers)."""
    return tuple(c for c in MENU if c.key != "dropout" or is_teacher)


def menu_reply(is_teacher: bool, lead: Msg | None = None) -> Reply:
    """Ask what the person wants to do."""
    lines = (lead,) if lead else ()
    return Reply((*lines, msg("What would you like to do?")), as_options(menu_choices(is_teacher)))


def greeting() -> Msg:
    """Welcome someone writing for the first time."""
    return msg("Welcome to Sinjalizo. Here you can report a danger to children or a child at "
               "risk to your municipality. You can stay anonymous.")


def help_reply(ctx: Context, is_teacher: bool) -> Reply:
    """Explain the words that work at any time, and where to call in an emergency."""
    lines = [
        msg("Sinjalizo sends your report to the office responsible in your municipality."),
        msg("Words that work at any time: MENU to start, BACK to change the last answer, "
            "ANULO to cancel a report, STATUS R-XXXXXX to follow a report, "
            "LANGUAGE to change language."),
    ]
    if is_teacher:
        lines.append(msg("Teachers can flag a dropout in one message: BRAKTISJE class initials "
                         "days, for example BRAKTISJE 7A AK 12."))
    if ctx.inbound.channel in ("sms", "whatsapp"):
        lines.append(msg("Write STOP to receive no more messages."))
    lines.append(msg("In an emergency call 112."))
    return Reply(tuple(lines))
