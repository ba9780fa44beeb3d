"""Replies as Telegram shows them: text, then a keyboard of buttons."""

from __future__ import annotations

from service.render import RenderedReply

# Buttons with short labels sit two to a row; long ones get a row each.
SHORT_LABEL = 18


def keyboard_rows(reply: RenderedReply) -> list[list[tuple[str, str]]]:
    """Return the reply's options as rows of (key, label) buttons."""
    rows: list[list[tuple[str, str]]] = []
    for option in reply.options:
        if rows and len(rows[-1]) == 1 and max(len(rows[-1][0][1]), len(option[1])) \
                <= SHORT_LABEL:
            rows[-1].append(option)
        else:
            rows.append([option])
    return rows
