"""Emergency numbers shown the moment a reporter says a child is in danger now."""

from __future__ import annotations

from handlers.i18n import Msg, msg
from handlers.types import Reply

KOSOVO = msg("Kosovo: emergency 112, police 192.")
ALBANIA = msg("Albania: emergency 112, police 129, child helpline ALO 116 111.")


def country_of(channel: str, address: str) -> str | None:
    """Guess the reporter's country from a phone number; None when it cannot tell."""
    if channel != "sms" and not address.startswith("+"):
        return None
    if address.startswith("+383"):
        return "XK"
    if address.startswith("+355"):
        return "AL"
    return None


def numbers_for(country: str | None) -> tuple[Msg, ...]:
    """Return the emergency-number lines for a country, or both when unknown."""
    if country == "XK":
        return (KOSOVO,)
    if country == "AL":
        return (ALBANIA,)
    return (KOSOVO, ALBANIA)


def emergency_reply(channel: str, address: str) -> Reply:
    """Tell the reporter to call now, with their country's numbers, before anything else."""
    lines = (
        msg("If the child is in danger right now, call now:"),
        *numbers_for(country_of(channel, address)),
        msg("Then continue here: your report will be marked urgent."),
    )
    return Reply(lines)
