"""What a conversation is made of: its state, its context, and a flow of named steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from handlers.i18n import Msg
from handlers.types import AddToReport, Effect, Inbound, Reply, Text, World


class Translator(Protocol):
    """Turns a message into text in one language (adapters pass the real catalogs)."""

    def __call__(self, text: Text, language: str) -> str:
        """Return `text` rendered in `language`."""
        ...


def _mapping(value: Any) -> dict[str, Any]:
    """Return a copy of a JSON object, or an empty one for anything else."""
    return dict(value) if isinstance(value, dict) else {}


@dataclass(frozen=True)
class State:
    """Where one address stands: active flow and step, answers so far, language."""

    language: str = "sq"
    flow: str | None = None
    step: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, Any] = field(default_factory=dict)  # a step's own sub-dialog
    editing: bool = False  # re-asking one answer from the summary
    aside: str | None = None  # an engine question outside the flow (the language choice)
    last_at: str | None = None  # ISO time of the last message
    known: bool = False  # has written before (greet only once)
    filed: str | None = None  # the reference filed before the flow ended (a child in danger)
    filed_with: tuple[str, ...] = ()  # the answers it was filed with: no going back on them
    told: bool = False  # the person was told that what they said will reach someone
    # Asides kept across flows (handlers/relay.py): a question relayed to this reporter
    # that their next message may answer, and a focal point's question being written.
    relay: dict[str, Any] = field(default_factory=dict)
    asking: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the state as plain JSON for the database."""
        return {
            "language": self.language, "flow": self.flow, "step": self.step,
            "answers": self.answers, "pending": self.pending, "editing": self.editing,
            "aside": self.aside, "last_at": self.last_at, "known": self.known,
            "filed": self.filed, "filed_with": list(self.filed_with), "told": self.told,
            "relay": self.relay, "asking": self.asking,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, default_language: str) -> State:
        """Rebuild a state from JSON, forgiving missing or malformed fields."""
        if not isinstance(data, dict):
            return cls(language=default_language)
        language = data.get("language")
        return cls(
            language=language if isinstance(language, str) else default_language,
            flow=data.get("flow") if isinstance(data.get("flow"), str) else None,
            step=data.get("step") if isinstance(data.get("step"), str) else None,
            answers=_mapping(data.get("answers")),
            pending=_mapping(data.get("pending")),
            editing=bool(data.get("editing")),
            aside=data.get("aside") if isinstance(data.get("aside"), str) else None,
            last_at=data.get("last_at") if isinstance(data.get("last_at"), str) else None,
            known=bool(data.get("known")),
            filed=data.get("filed") if isinstance(data.get("filed"), str) else None,
            filed_with=tuple(str(name) for name in data.get("filed_with") or ()
                             if isinstance(name, str)),
            told=bool(data.get("told")),
            relay=_mapping(data.get("relay")),
            asking=_mapping(data.get("asking")),
        )

    def idle(self) -> State:
        """Return this state with no active flow (language, greeting and asides kept)."""
        return replace(self, flow=None, step=None, answers={}, pending={}, editing=False,
                       aside=None, filed=None, filed_with=(), told=False)


@dataclass(frozen=True)
class Context:
    """What a step may consult besides the state: the message, the world, the catalogs."""

    inbound: Inbound
    world: World
    translate: Translator
    language: str
    now: datetime

    @property
    def channel(self) -> str:
        """Return the channel the person writes on."""
        return self.inbound.channel

    def fold_label(self, text: Text) -> str:
        """Return a label as the person sees it, folded for comparison."""
        from routing.text import fold

        return fold(self.translate(text, self.language))


@dataclass(frozen=True)
class Accept:
    """The step's answer was understood; store `value` and go on.

    `also` sets further answers the step found out (None removes one, so a changed answer
    is asked again); `done` ends the flow at once, without the summary.
    """

    value: Any
    replies: tuple[Reply, ...] = ()
    also: dict[str, Any] = field(default_factory=dict)
    done: bool = False


@dataclass(frozen=True)
class Reject:
    """The answer was not understood; say why and ask the same question again."""

    error: Msg


@dataclass(frozen=True)
class Stay:
    """The step needs another exchange (a place to confirm); keep `pending`, send `reply`."""

    reply: Reply
    pending: dict[str, Any]


StepResult = Accept | Reject | Stay
Condition = Callable[[dict[str, Any]], bool]


class Step(Protocol):
    """One named question in a flow."""

    @property
    def name(self) -> str:
        """The step's slug, used as the key of its answer."""
        ...

    @property
    def title(self) -> Msg:
        """How the answer is named in the summary and the "change" list."""
        ...

    @property
    def when(self) -> Condition | None:
        """When the step applies, given the answers so far (None: always)."""
        ...

    def ask(self, ctx: Context, state: State) -> Reply:
        """Return the question, as first asked."""
        ...

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Interpret the inbound message as an answer to this question."""
        ...

    def show(self, value: Any, ctx: Context) -> Text:
        """Return a stored answer as it appears in the summary."""
        ...


@dataclass(frozen=True)
class Outcome:
    """What one message leads to: the state to save, replies to send, effects to carry out."""

    state: State
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True)
class Finished:
    """What a flow hands back when the person confirms: effects and the closing reply."""

    effects: tuple[Effect, ...]
    replies: tuple[Reply, ...]


@dataclass(frozen=True)
class Flow:
    """A conversation declared as data: named steps, a summary, and what to do at the end.

    Most flows file once, after the summary. A flow with `early` files as soon as it returns
    a draft (a child in danger, once the place is known); every later answer then goes to
    that report through `supplement`, and the flow ends without a summary. A flow with
    `abandoned` files what it has when the person stops answering, if `keep_if` holds.
    """

    name: str
    title: Msg
    steps: Sequence[Step]
    finish: Callable[[Context, State], Finished]
    confirm: bool = True  # show a summary and ask before filing
    intro: Callable[[Context, State], tuple[Reply, ...]] | None = None
    gate: Callable[[Context], Reply | None] | None = None  # refuse to start, with reasons
    # Facts the answers so far lead to, looked up before each question (an earlier report).
    review: Callable[[Context, dict[str, Any]], dict[str, Any]] | None = None
    # Steps asked only on some channels (no photo question by SMS), by step name.
    only_on: Mapping[str, frozenset[str]] = field(default_factory=dict)
    early: Callable[[Context, State], Finished | None] | None = None
    supplement: Callable[[Context, State, bool], AddToReport] | None = None
    closing: Callable[[Context, State], tuple[Reply, ...]] | None = None
    keep_if: Condition | None = None
    abandoned: Callable[[Context, State], Finished] | None = None
    # Said once, after an answer, when `keep_if` first holds: "this will reach someone".
    reassure: Msg | None = None
    # Another flow that must come first when a message says so (a child in danger, written
    # in the middle of a subscription): its name and the line that says so, or None to take
    # the message as an answer.
    yields: Callable[[Context], tuple[str, Msg] | None] | None = None

    def step(self, name: str | None) -> Step | None:
        """Return the step called `name`, if the flow has one."""
        return next((s for s in self.steps if s.name == name), None)

    def applicable(self, answers: dict[str, Any], channel: str | None = None) -> list[Step]:
        """Return the steps that apply given the answers so far (and the channel, if known)."""
        return [s for s in self.steps if (s.when is None or s.when(answers))
                and (channel is None or channel in self.only_on.get(s.name, {channel}))]

    def reviewed(self, ctx: Context, state: State) -> State:
        """Return the state with what the answers lead to looked up (see `review`)."""
        if self.review is None:
            return state
        return replace(state, answers=self.review(ctx, state.answers))

    def next_step(self, answers: dict[str, Any], channel: str | None = None) -> Step | None:
        """Return the first applicable step not yet answered, or None when all are."""
        return next((s for s in self.applicable(answers, channel) if s.name not in answers),
                    None)

    def keeps(self, state: State) -> bool:
        """Tell whether an abandoned conversation of this flow holds a report to file."""
        return (self.abandoned is not None and self.keep_if is not None
                and state.filed is None and self.keep_if(state.answers))
