"""The services found for a person, as lines short enough for SMS, or where else to turn.

Each service takes a few short lines (name and provider, phone, hours, address, languages),
every field cut to a length that keeps a line well inside one SMS segment; the SMS adapter
then packs the lines into messages of at most two segments.
"""

from __future__ import annotations

from handlers.emergency import numbers_for
from handlers.i18n import ListOf, Msg, PlaceName, Verbatim, msg
from handlers.needs import ANY, LANGUAGE_NAMES, need_label
from handlers.types import Directory, Place, Reply, ServiceInfo, Text

MAX_SHOWN = 5  # more would take several SMS; the rest are counted
FIELD_LIMITS = {"name": 70, "provider": 60, "address": 90, "hours": 60}
ADVICE: dict[str, Msg] = {
    "XK": msg("The Centre for Social Work of your municipality can also advise you."),
    "AL": msg("The child-protection unit of your municipality can also advise you."),
}
AGAIN = msg("Write SHERBIME to look for other help, or MENU for everything else.")


def cut(text: str, limit: int) -> str:
    """Return text on one line, cut at a word with "..." when longer than `limit`."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    return line[:limit - 3].rsplit(" ", 1)[0].rstrip(",;") + "..."


def service_lines(number: int, service: ServiceInfo) -> list[Text]:
    """Return one service as numbered short lines: who, phone, hours, address, languages."""
    who = cut(service.name, FIELD_LIMITS["name"])
    if service.provider and service.provider != service.name:
        who += f" ({cut(service.provider, FIELD_LIMITS['provider'])})"
    lines: list[Text] = [Verbatim(f"{number}. {who}")]
    if service.phone:
        lines.append(msg("Tel. {phone}", phone=Verbatim(service.phone)))
    if service.hours:
        lines.append(msg("Open: {hours}", hours=Verbatim(cut(service.hours,
                                                            FIELD_LIMITS["hours"]))))
    if service.address:
        lines.append(Verbatim(cut(service.address, FIELD_LIMITS["address"])))
    spoken = tuple(LANGUAGE_NAMES[code] for code in service.languages if code in LANGUAGE_NAMES)
    if spoken:
        lines.append(msg("Languages: {languages}", languages=ListOf(spoken)))
    return lines


def directory_reply(place: Place, need: str, found: Directory) -> Reply:
    """List the services found for a need, or say there are none and where else to turn."""
    where = PlaceName(found.municipality_code, place.municipality)
    if not found.services:
        return nothing_found(place, need, where)
    if need == ANY:
        lead = msg("Services in {municipality:loc}:", municipality=where)
    else:
        lead = msg("Services for \u201c{need}\u201d in {municipality:loc}:",
                   need=need_label(need), municipality=where)
    lines: list[Text] = [lead]
    for number, service in enumerate(found.services[:MAX_SHOWN], 1):
        lines.extend(service_lines(number, service))
    more = len(found.services) - MAX_SHOWN
    if more > 0:
        lines.append(msg("And {more} more: choose a need to see fewer.", more=more)
                     if need == ANY else msg("And {more} more: call one of these and ask.",
                                             more=more))
    lines.append(AGAIN)
    return Reply(tuple(lines))


def nothing_found(place: Place, need: str, where: PlaceName) -> Reply:
    """Say no service is listed there yet, and name the national helplines instead."""
    if need == ANY:
        lead = msg("I found no services in {municipality:loc} yet.", municipality=where)
    else:
        lead = msg("I found no service for \u201c{need}\u201d in {municipality:loc} yet.",
                   need=need_label(need), municipality=where)
    country = place.country if place.country in ADVICE else None
    lines: list[Text] = [lead, msg("You can call:"), *numbers_for(country)]
    lines.extend(ADVICE[c] for c in ((country,) if country else ("XK", "AL")))
    lines.append(AGAIN)
    return Reply(tuple(lines))
