"""Replies as an SMS shows them: paragraphs, then numbered options."""

from __future__ import annotations

from service.render import RenderedReply


def sms_text(reply: RenderedReply) -> str:
    """Return one reply as SMS text, options numbered from 1."""
    lines = list(reply.lines)
    lines += [f"{number} {label}" for number, (_key, label) in enumerate(reply.options, 1)]
    return "\n".join(lines)
