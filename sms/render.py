"""Replies as an SMS shows them: compact lines, numbered options, packed into few segments."""

from __future__ import annotations

from collections.abc import Iterable

from service.render import RenderedReply
from sms.gsm import capacity, segments, transliterate, units

ELLIPSIS = "..."
MAX_SEGMENTS = 2  # no outgoing SMS may take more


def sms_lines(reply: RenderedReply) -> list[str]:
    """Return one reply's non-blank lines, options numbered from 1 ("1) Dhune ose abuzim").

    The parenthesis keeps the number apart from a label that starts with one ("1) 0–5 vjeç").
    """
    lines = [line.strip() for text in reply.lines for line in text.splitlines()]
    lines += [f"{number}) {label}" for number, (_key, label) in enumerate(reply.options, 1)]
    return [line for line in lines if line]


def sms_text(reply: RenderedReply) -> str:
    """Return one reply as SMS text, options numbered from 1."""
    return "\n".join(sms_lines(reply))


def sms_messages(replies: Iterable[RenderedReply], transliterate_text: bool = True) -> list[str]:
    """Return the SMS bodies for a turn: as few as possible, one segment each where it can be."""
    lines = [line for reply in replies for line in sms_lines(reply)]
    if transliterate_text:
        # Shaped once as one string: transliteration maps each character on its own, and
        # no line holds a line break, so splitting afterwards gives each line shaped.
        lines = [shaped for line in transliterate("\n".join(lines)).split("\n")
                 if (shaped := line.strip())]
    messages: list[str] = []
    current = ""
    for line in lines:
        if segments(line) > MAX_SEGMENTS:
            # An over-long line is cut; beside a short SMS it is cut to share that SMS.
            if current and segments(current) <= 1:
                current = fit(f"{current}\n{line}", MAX_SEGMENTS)
                continue
            line = fit(line, MAX_SEGMENTS)
        joined = f"{current}\n{line}" if current else line
        grown = segments(joined)
        # Two segments are allowed only where a line cannot fit one anyway: joining then
        # costs no more than sending the two pieces apart.
        if grown <= 1 or (grown <= MAX_SEGMENTS and (segments(current) > 1 or segments(line) > 1)):
            current = joined
            continue
        if current:
            messages.append(current)
        current = line
    if current:
        messages.append(current)
    return messages


def fit(line: str, parts: int) -> str:
    """Return the line cut at a word boundary with "..." so that it takes at most `parts`."""
    if segments(line) <= parts:
        return line
    budget = capacity(line, parts) - len(ELLIPSIS)
    costs = units(line)
    used = cut = 0
    for index, cost in enumerate(costs):
        if used + cost > budget:
            break
        used += cost
        if line[index].isspace():
            cut = index
    else:
        cut = len(line)
    # A line of one enormous word has no boundary to cut at; cut the word then.
    end = cut if cut > 0 else used_length(costs, budget)
    return line[:end].rstrip() + ELLIPSIS


def used_length(costs: list[int], budget: int) -> int:
    """Return how many characters of the given costs fit in the budget."""
    total = count = 0
    for cost in costs:
        if total + cost > budget:
            break
        total, count = total + cost, count + 1
    return count
