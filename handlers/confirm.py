"""The summary before filing: send it, change one answer, or cancel."""

from __future__ import annotations

from handlers.flow import Context, Flow, State
from handlers.i18n import Msg, Verbatim, msg
from handlers.steps import Choice, as_options, pick
from handlers.types import Option, Reply
from handlers.words import NO_WORDS, YES_WORDS

CONFIRM = (
    Choice("send", msg("Send"), ("dergo", "dergoje", "dergoni", "posalji", "posaljite", "s",
                                 "send", *YES_WORDS), ("dergo", "posalj", "send")),
    Choice("change", msg("Change an answer"), ("ndrysho", "izmeni", "promeni", "change",
                                               *NO_WORDS), ("ndrysho", "izmen", "promen")),
    Choice("cancel", msg("Cancel"), ("anulo", "otkazi", "cancel"), ("anul", "otkaz")),
)
BACK_TO_SUMMARY = "summary"


def summary(ctx: Context, flow: Flow, state: State) -> Reply:
    """Show every answer that will be filed, and ask whether to send."""
    lines: list[Msg | Verbatim] = [msg("Please check your report ({title}):", title=flow.title)]
    for step in flow.applicable(state.answers, ctx.channel):
        if step.name in state.answers:
            lines.append(msg("{question}: {answer}", question=step.title,
                             answer=step.show(state.answers[step.name], ctx)))
    lines.append(msg("Send it?"))
    return Reply(tuple(lines), as_options(CONFIRM))


def change_list(ctx: Context, flow: Flow, state: State) -> Reply:
    """Ask which answer to change, listing the ones given."""
    options = [Option(s.name, s.title) for s in flow.applicable(state.answers, ctx.channel)
               if s.name in state.answers]
    options.append(Option(BACK_TO_SUMMARY, msg("Back to the summary")))
    return Reply((msg("Which answer do you want to change?"),), tuple(options))


def confirm_choice(ctx: Context) -> str | Msg:
    """Return send, change or cancel as picked at the summary, or the error to show."""
    chosen = pick(CONFIRM, ctx)
    return chosen if isinstance(chosen, Msg) else chosen.key


def change_choice(ctx: Context, flow: Flow, state: State) -> str | Msg:
    """Return the step name picked from the change list (or "summary"), or the error."""
    choices = tuple(Choice(s.name, s.title)
                    for s in flow.applicable(state.answers, ctx.channel)
                    if s.name in state.answers)
    chosen = pick((*choices, Choice(BACK_TO_SUMMARY, msg("Back to the summary"))), ctx)
    return chosen if isinstance(chosen, Msg) else chosen.key
