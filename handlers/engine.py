"""The conversation engine: one inbound message in, new state, replies and effects out.

Pure: it consults the `World` for facts and never touches a network or a database itself.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

from handlers import confirm, dropout, find_help, language, menu, relay, status, subscribe
from handlers.dropout_line import Flag, read_line
from handlers.expiry import expire, expired
from handlers.flow import Accept, Context, Flow, Outcome, Reject, State, Stay, Translator
from handlers.flows import FLOWS
from handlers.focal import focal_command
from handlers.i18n import Msg, Verbatim, msg
from handlers.keywords import Command, command_of
from handlers.referral_words import referral_action
from handlers.steps import pick
from handlers.types import (
    AskReporter,
    ChangeStatus,
    Effect,
    FileReport,
    Inbound,
    Refer,
    Reply,
    SetLanguage,
    World,
)

log = logging.getLogger(__name__)
TIMEOUT = timedelta(minutes=30)
MENU_STEP = "menu"
CONFIRM_STEP = "confirm"
CHANGE_STEP = "change"


def advance(state: State, inbound: Inbound, world: World, translate: Translator,
            timeout: timedelta = TIMEOUT) -> Outcome:
    """Take one message through the conversation; never raises, never leaves a dead end."""
    state, effects = _arrive(state, inbound)
    ctx = Context(inbound, world, translate, state.language, inbound.at)
    notices: tuple[Reply, ...] = ()
    try:
        if expired(state, inbound.at, timeout):
            closed = expire(state, ctx, timeout)
            state, notices, effects = closed.state, closed.replies, (*effects, *closed.effects)
        outcome = _dispatch(state, ctx)
    except Exception:  # a bug must cost one message, never the person's way forward
        log.exception("engine failed on a %s message; starting afresh", inbound.channel)
        apology = msg("Sorry, something went wrong on our side and nothing was sent. "
                      "Please start again.")
        outcome = Outcome(replace(state.idle(), step=MENU_STEP),
                          (menu.menu_reply(False, apology),))
    final = replace(outcome.state, last_at=inbound.at.isoformat(), known=True)
    return Outcome(final, (*notices, *outcome.replies), (*effects, *outcome.effects))


def _arrive(state: State, inbound: Inbound) -> tuple[State, tuple[Effect, ...]]:
    """Pick the language of a first message from the device's language, when it has one."""
    hinted = language.from_hint(inbound.language_hint)
    if not state.known and hinted and hinted != state.language:
        return replace(state, language=hinted), (SetLanguage(hinted),)
    return state, ()


def _dispatch(state: State, ctx: Context) -> Outcome:
    """Send the message where it belongs: an aside, a command, a one-liner, the menu, a step.

    A question relayed to or from this address is an aside too (handlers/relay.py).
    """
    if state.aside == "language":
        state = replace(state, aside=None)
        picked = language.chosen_language(ctx)
        if picked:
            return _set_language(state, ctx, picked)
    state = relay.settle(state, ctx.now)
    asked = relay.asking_turn(state, ctx)
    if asked is not None:
        return asked
    command = _command(ctx.inbound)
    if command is not None:
        cancelled = relay.cancel_turn(state, ctx) if command.name == "cancel" else None
        return cancelled or _run_command(state, ctx, command)
    action = _focal_action(ctx)
    if action is not None:
        # The person's own conversation stays where it was; the service answers the action.
        return Outcome(state, (), (action,))
    referral = referral_action(ctx)
    if referral is not None:
        # Likewise a service's answer to a referral (PRANOHET R-…).
        return Outcome(state, (), (referral,))
    answered = relay.explicit_turn(state, ctx)
    if answered is not None:
        return answered
    flag = _one_line_flag(state, ctx)
    if flag is not None:
        return _take_flag(state, ctx, flag)
    answered = relay.next_turn(state, ctx)
    if answered is not None:
        return answered
    flow = FLOWS.get(state.flow or "")
    if flow is None:
        return _idle(state, ctx)
    if state.step == CONFIRM_STEP:
        return _at_summary(state, ctx, flow)
    if state.step == CHANGE_STEP:
        return _at_change(state, ctx, flow)
    return _at_step(state, ctx, flow)


def _command(inbound: Inbound) -> Command | None:
    """Return the global keyword a message is, when it is typed text and not a button."""
    if inbound.option is not None or inbound.kind not in ("text", "command"):
        return None
    return command_of(inbound.text)


def _focal_action(ctx: Context) -> ChangeStatus | AskReporter | Refer | None:
    """Return a focal point's action on a report (OK, PYET, REFERO R-…), from a contact point."""
    inbound = ctx.inbound
    if inbound.kind != "text" or inbound.option is not None:
        return None
    action = focal_command(inbound.text)
    if action is None or not ctx.world.is_contact_point(inbound.channel, inbound.address):
        return None
    return action


def _one_line_flag(state: State, ctx: Context) -> Flag | None:
    """Return a one-line dropout flag (BRAKTISJE 7A AK 12), if the message is one."""
    inbound = ctx.inbound
    if inbound.kind != "text" or inbound.option is not None:
        return None
    flag = read_line(inbound.text)
    if flag is None:
        return None
    # Mid-flow, a word such as "braktisje" is an answer; from someone who is not a teacher,
    # "Rrezik i madh te shkolla" is a citizen's words: only a plain flag is read as one.
    if not flag.clear and (state.flow is not None or not _is_teacher(ctx)):
        return None
    if state.flow is None and state.step == MENU_STEP and len(flag.answers) == 1:
        return None
    return flag


def _take_flag(state: State, ctx: Context, flag: Flag) -> Outcome:
    """Start (or file) a one-line flag; explain the form to a teacher whose line is too long."""
    if not (flag.too_long and _is_teacher(ctx)):
        return start_flow(state, ctx, "dropout", flag.answers)
    explained = dropout.too_long(flag.length)
    if state.flow in FLOWS:
        return _resume(state, ctx, explained)
    return Outcome(state.idle(), (explained,))


def _is_teacher(ctx: Context) -> bool:
    """Tell whether the sender is a registered teacher."""
    return ctx.world.teacher(ctx.inbound.channel, ctx.inbound.address) is not None


def _menu(state: State, ctx: Context, lead: Msg | None = None,
          before: tuple[Reply, ...] = ()) -> Outcome:
    """Show the menu and wait for a pick."""
    reply = menu.menu_reply(_is_teacher(ctx), lead)
    return Outcome(replace(state.idle(), step=MENU_STEP), (*before, reply))


def _idle(state: State, ctx: Context) -> Outcome:
    """With no report under way: take a menu pick, or greet and show the menu."""
    if state.step == MENU_STEP:
        chosen = pick(menu.menu_choices(_is_teacher(ctx)), ctx)
        if not isinstance(chosen, Msg):
            return _from_menu(state, ctx, chosen.key)
        if ctx.inbound.kind == "photo":
            return _menu(state, ctx, msg("To send a photo, first choose what you are reporting."))
        return _menu(state, ctx, chosen)
    return _menu(state, ctx, None if state.known else menu.greeting())


def _from_menu(state: State, ctx: Context, key: str) -> Outcome:
    """Act on a menu pick."""
    if key in FLOWS:
        return start_flow(state, ctx, key)
    if key == "status":
        return _menu(state, ctx, before=(status.status_reply(ctx, ""),))
    if key == "language":
        return Outcome(replace(state.idle(), aside="language"), (language.language_question(),))
    return _menu(state, ctx, before=(menu.help_reply(ctx, _is_teacher(ctx)),))


def start_flow(state: State, ctx: Context, name: str,
               answers: dict[str, Any] | None = None) -> Outcome:
    """Begin a flow, maybe with answers already given; a one-line flag that is complete files."""
    flow = FLOWS[name]
    refusal = flow.gate(ctx) if flow.gate else None
    if refusal is not None:
        return _menu(state, ctx, before=(refusal,))
    begun = replace(state.idle(), flow=name, answers=dict(answers or {}))
    if name == "dropout" and answers and len(answers) > 1 and dropout.complete(answers):
        # Filed at once, unless the pupil was flagged lately and the teacher must choose.
        filled = flow.reviewed(ctx, replace(begun, answers=dropout.one_line(answers)))
        if flow.next_step(filled.answers) is None:
            return _finish(filled, ctx, flow)
        begun = filled
    return _next(begun, ctx, flow)


def _next(state: State, ctx: Context, flow: Flow, before: tuple[Reply, ...] = (),
          effects: tuple[Effect, ...] = ()) -> Outcome:
    """Ask the next unanswered question, or show the summary, or file when all is known."""
    state = flow.reviewed(ctx, state)
    step = flow.next_step(state.answers, ctx.channel)
    if step is not None:
        state = replace(state, step=step.name, pending={})
        return Outcome(state, (*before, step.ask(ctx, state)), effects)
    if state.filed is not None:
        return _complete(state, ctx, flow, before, effects)
    if flow.confirm:
        state = replace(state, step=CONFIRM_STEP, pending={}, editing=False)
        return Outcome(state, (*before, confirm.summary(ctx, flow, state)), effects)
    return _finish(state, ctx, flow, before)


def _finish(state: State, ctx: Context, flow: Flow, before: tuple[Reply, ...] = ()) -> Outcome:
    """Hand the answers to the flow's finish and go back to idle."""
    applicable = {s.name for s in flow.applicable(state.answers, ctx.channel)}
    kept = {k: v for k, v in state.answers.items() if k in applicable or flow.step(k) is None}
    finished = flow.finish(ctx, replace(state, answers=kept))
    return Outcome(state.idle(), (*before, *finished.replies), finished.effects)


def _after_answer(state: State, ctx: Context, flow: Flow,
                  before: tuple[Reply, ...]) -> Outcome:
    """Carry an accepted answer on: to the report already filed, or file early, then go on."""
    if state.filed is not None and flow.supplement is not None:
        if flow.next_step(state.answers, ctx.channel) is None:
            return _complete(state, ctx, flow, before)
        return _next(state, ctx, flow, before, (flow.supplement(ctx, state, False),))
    early = flow.early(ctx, state) if flow.early is not None else None
    if early is not None:
        filed = next((e.draft.reference for e in early.effects if isinstance(e, FileReport)),
                     None)
        state = replace(state, filed=filed, filed_with=tuple(state.answers))
        return _next(state, ctx, flow, (*before, *early.replies), early.effects)
    if flow.reassure is not None and not state.told and flow.keeps(state):
        state = replace(state, told=True)
        before = (*before, Reply((flow.reassure,)))
    return _next(state, ctx, flow, before)


def _complete(state: State, ctx: Context, flow: Flow, before: tuple[Reply, ...] = (),
              effects: tuple[Effect, ...] = ()) -> Outcome:
    """End a flow filed early: the last answers go to the report, with thanks."""
    added = (flow.supplement(ctx, state, True),) if flow.supplement is not None else ()
    closing = flow.closing(ctx, state) if flow.closing is not None else ()
    return Outcome(state.idle(), (*before, *closing), (*effects, *added))


def _at_step(state: State, ctx: Context, flow: Flow) -> Outcome:
    """Read the answer to the current question."""
    step = flow.step(state.step)
    if step is None:
        return _next(state, ctx, flow)
    first = flow.yields(ctx) if flow.yields is not None else None
    if first is not None and first[0] in FLOWS:
        # A child in danger comes before anything else the person was doing.
        started = start_flow(state, ctx, first[0])
        return replace(started, replies=(Reply((first[1],)), *started.replies))
    if ctx.inbound.photo and step.name != "photo" and flow.step("photo") is not None:
        photos = [*state.answers.get("photo", []), ctx.inbound.photo]
        state = replace(state, answers={**state.answers, "photo": photos})
        return Outcome(state, (Reply((msg("Thank you for the photo; it will go with the "
                                          "report."),)), step.ask(ctx, state)))
    result = step.answer(ctx, state)
    if isinstance(result, Accept):
        answers = {**state.answers, step.name: result.value, **result.also}
        answered = replace(state, answers={k: v for k, v in answers.items() if v is not None})
        if result.done:
            return _finish(answered, ctx, flow, result.replies)
        return _after_answer(answered, ctx, flow, result.replies)
    if isinstance(result, Stay):
        return Outcome(replace(state, pending=result.pending), (result.reply,))
    return Outcome(state, (_again(result, step.ask(ctx, state)),))


def _again(rejected: Reject, question: Reply) -> Reply:
    """Say what was wrong and ask the same question again, options included."""
    return replace(question, lines=(rejected.error, *question.lines))


def _at_summary(state: State, ctx: Context, flow: Flow) -> Outcome:
    """Send, change or cancel at the summary."""
    chosen = confirm.confirm_choice(ctx)
    if isinstance(chosen, Msg):
        return Outcome(state, (_again(Reject(chosen), confirm.summary(ctx, flow, state)),))
    if chosen == "send":
        # Answers lost or made necessary by a change are asked before anything is filed.
        if flow.next_step(state.answers, ctx.channel) is not None:
            return _next(state, ctx, flow)
        return _finish(state, ctx, flow)
    if chosen == "change":
        state = replace(state, step=CHANGE_STEP)
        return Outcome(state, (confirm.change_list(ctx, flow, state),))
    return _menu(state, ctx, msg("Cancelled. Nothing was sent."))


def _at_change(state: State, ctx: Context, flow: Flow) -> Outcome:
    """Re-ask the answer picked from the change list."""
    chosen = confirm.change_choice(ctx, flow, state)
    if isinstance(chosen, Msg):
        return Outcome(state, (_again(Reject(chosen), confirm.change_list(ctx, flow, state)),))
    step = flow.step(chosen)
    if step is None:
        return _next(state, ctx, flow)
    state = replace(state, step=step.name, pending={}, editing=True)
    return Outcome(state, (step.ask(ctx, state),))


def _run_command(state: State, ctx: Context, command: Command) -> Outcome:
    """Carry out a global keyword, then take the person back where they were."""
    in_flow = state.flow in FLOWS
    if command.name in ("cancel", "menu") and in_flow and state.filed is not None:
        return _menu(state, ctx, msg(
            "Your report {reference} was already sent, because the child is in danger, and it "
            "stays with those who received it. The remaining questions were skipped.",
            reference=Verbatim(state.filed)))
    if command.name in ("cancel", "menu"):
        lead = msg("Cancelled. Nothing was sent.") if in_flow else None
        if command.name == "cancel" and not in_flow:
            lead = msg("There is nothing to cancel.")
        return _menu(state, ctx, lead)
    if command.name == "services":
        return _find_help(state, ctx, command.argument)
    if command.name == "subscribe":
        if in_flow and state.flow != subscribe.NAME:
            return _resume(state, ctx, Reply((subscribe.LATER,)))
        return start_flow(state, ctx, subscribe.NAME)
    if command.name == "unsubscribe":
        # The person's conversation stays where it was; the service says the messages stopped.
        return Outcome(state, (), (subscribe.unsubscribe(),))
    if command.name == "help":
        return _resume(state, ctx, menu.help_reply(ctx, _is_teacher(ctx)))
    if command.name == "status":
        return _resume(state, ctx, status.status_reply(ctx, command.argument))
    if command.name == "language":
        if command.argument:
            return _set_language(state, ctx, command.argument)
        return Outcome(replace(state, aside="language"), (language.language_question(),))
    return _back(state, ctx)


def _find_help(state: State, ctx: Context, words: str) -> Outcome:
    """Leave what was under way (saying so) and ask what help the person is looking for."""
    left: tuple[Reply, ...] = ()
    if state.flow in FLOWS and state.flow != find_help.NAME:
        left = (Reply((msg(
            "Your report {reference} was already sent, because the child is in danger, and it "
            "stays with those who received it. The remaining questions were skipped.",
            reference=Verbatim(state.filed)) if state.filed is not None
            else msg("Cancelled. Nothing was sent."),)),)
    started = start_flow(state, ctx, find_help.NAME, find_help.need_said(ctx, words))
    return replace(started, replies=(*left, *started.replies))


def _resume(state: State, ctx: Context, *before: Reply) -> Outcome:
    """Repeat where the person stands (the question, the summary, or the menu)."""
    flow = FLOWS.get(state.flow or "")
    if flow is None:
        return _menu(state, ctx, before=before)
    if state.step == CONFIRM_STEP:
        return Outcome(state, (*before, confirm.summary(ctx, flow, state)))
    if state.step == CHANGE_STEP:
        return Outcome(state, (*before, confirm.change_list(ctx, flow, state)))
    step = flow.step(state.step)
    if step is None:
        return _next(state, ctx, flow, before)
    return Outcome(replace(state, pending={}), (*before, step.ask(ctx, state)))


def _back(state: State, ctx: Context) -> Outcome:
    """Go back one question, forgetting its answer, so it can be given again."""
    flow = FLOWS.get(state.flow or "")
    if flow is None:
        return _menu(state, ctx)
    answered = [s for s in flow.applicable(state.answers, ctx.channel)
                if s.name in state.answers]
    current = flow.step(state.step)
    if current is not None and current.name in state.answers:
        answered = answered[: answered.index(current)]
    answered = [s for s in answered if s.name not in state.filed_with]
    if not answered and state.filed is not None:
        return _resume(state, ctx, Reply((msg(
            "The answers before this question were already sent with report {reference}; "
            "they cannot be changed here.", reference=Verbatim(state.filed)),)))
    if not answered:
        return _resume(state, ctx, Reply((msg("This is the first question."),)))
    previous = answered[-1]
    answers = {k: v for k, v in state.answers.items() if k != previous.name}
    state = replace(state, answers=answers, step=previous.name, pending={})
    return Outcome(state, (previous.ask(ctx, state),))


def _set_language(state: State, ctx: Context, code: str) -> Outcome:
    """Switch language and repeat where the person stands, in the new language."""
    state = replace(state, language=code, aside=None)
    ctx = replace(ctx, language=code)
    resumed = _resume(state, ctx, Reply((msg("From now on I will write in English."),)))
    return replace(resumed, effects=(SetLanguage(code),))
