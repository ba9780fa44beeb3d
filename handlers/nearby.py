"""Hazards already reported nearby: the reporter may join one instead of filing it again.

After a pinned place, the hazard flow looks for open reports of the same category within
100 m from the last 30 days. If there are some, the `existing` question lists them; picking
one ends the flow with a `JoinReport` (a confirmation; the person then hears its updates),
"a different one" goes on to file a new report. Typed places are too coarse (a village's
centre) to call two reports the same, so only pins are compared.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from handlers.categories import HAZARDS
from handlers.flow import Accept, Condition, Context, Finished, Reject, State, StepResult
from handlers.i18n import Msg, Verbatim, When, msg
from handlers.steps import Choice, as_options, pick
from handlers.types import PIN_METHODS, JoinReport, NearbyReport, Reply, Text

NEW = "new"
MAX_SHOWN = 3


def nearby_reports(ctx: Context, state: State, place: dict[str, Any]) -> dict[str, Any]:
    """Return the `nearby` answer for a settled place: open hazards close to a pin."""
    lat, lon, category = place.get("lat"), place.get("lon"), state.answers.get("category")
    found: list[NearbyReport] = []
    if place.get("how") in PIN_METHODS and isinstance(lat, float) and isinstance(lon, float) \
            and isinstance(category, str):
        found = ctx.world.open_hazards_near(category, lat, lon, ctx.now)[:MAX_SHOWN]
    # A new place asks the question again; none nearby removes it.
    return {"nearby": [_stored(n) for n in found] or None, "existing": None}


def _stored(report: NearbyReport) -> dict[str, Any]:
    """Return a nearby report as conversation state keeps it (plain JSON)."""
    return {**asdict(report), "created_at": report.created_at.isoformat()}


def _choices(answers: dict[str, Any]) -> tuple[Choice, ...]:
    """Return one choice per nearby report, then "a different one"."""
    listed = tuple(
        Choice(str(n["reference"]), msg("Same as {reference} ({distance} m)",
                                        reference=Verbatim(str(n["reference"])),
                                        distance=int(n["distance_m"])))
        for n in answers.get("nearby") or () if isinstance(n, dict) and "reference" in n)
    return (*listed, Choice(NEW, msg("No, a different one"), ("jo", "no", "ne", "tjeter")))


def _listed(answers: dict[str, Any]) -> tuple[Msg, ...]:
    """Return a line per nearby report: reference, distance and when it was reported."""
    lines = []
    for n in answers.get("nearby") or ():
        try:
            at = datetime.fromisoformat(str(n["created_at"]))
        except (KeyError, TypeError, ValueError):
            continue
        lines.append(msg("{reference}: {distance} m from here, reported {when}.",
                         reference=Verbatim(str(n["reference"])),
                         distance=int(n["distance_m"]), when=When(at)))
    return tuple(lines)


@dataclass(frozen=True)
class SameAsNearby:
    """Ask whether the danger is one already reported nearby."""

    name: str
    title: Msg
    when: Condition | None = None

    def ask(self, ctx: Context, state: State) -> Reply:
        """List the nearby reports and ask whether it is one of them."""
        category = HAZARDS_BY_KEY.get(str(state.answers.get("category")), msg("this danger"))
        return Reply((
            msg("{category} has already been reported less than 100 m from here:",
                category=category),
            *_listed(state.answers),
            msg("Is it the same? If so, your message is added to that report as a "
                "confirmation, and you will be told when it is dealt with."),
        ), as_options(_choices(state.answers)))

    def answer(self, ctx: Context, state: State) -> StepResult:
        """Join the picked report at once, or go on to file a new one."""
        chosen = pick(_choices(state.answers), ctx)
        if isinstance(chosen, Msg):
            return Reject(chosen)
        return Accept(chosen.key, done=chosen.key != NEW)

    def show(self, value: Any, ctx: Context) -> Text:
        """Return the answer as the summary shows it."""
        return msg("No, a different one") if value == NEW else Verbatim(str(value))


HAZARDS_BY_KEY: dict[str, Text] = {choice.key: choice.label for choice in HAZARDS}


def joined(reference: str) -> Finished:
    """Return the join effect and its thanks, for a reporter who picked an existing report."""
    done = Reply((
        msg("Thank you. Your confirmation was added to report {reference}.",
            reference=Verbatim(reference)),
        msg("You will be told when it is dealt with. To follow it: STATUS {reference}.",
            reference=Verbatim(reference)),
    ))
    gone = Reply((msg("Report {reference} was closed just now. Please report the danger "
                      "again as a new report.", reference=Verbatim(reference)),))
    return Finished((JoinReport(reference, done, gone),), ())
