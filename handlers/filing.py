"""Turning confirmed answers into a report to file, and thanking the reporter."""

from __future__ import annotations

from typing import Any

from handlers.flow import Context, Finished
from handlers.i18n import ListOf, Msg, Verbatim, msg
from handlers.recipients import RECIPIENTS, recipient
from handlers.types import Draft, FileReport, Place, Reply, Routing


def said(answers: dict[str, Any]) -> dict[str, str]:
    """Return the person's own sentences that answered a choice, by question (see steps.py)."""
    return {key.removeprefix("said_"): str(value) for key, value in answers.items()
            if key.startswith("said_") and isinstance(value, str)}


def target_text(routing: Routing) -> ListOf:
    """Name who a report went to, by role and municipality, never by person."""
    items: list[Msg | Verbatim] = [
        recipient(t.role, t.municipality_code, t.municipality) for t in routing.targets]
    if not items:
        items.append(RECIPIENTS["national"])
    return ListOf(tuple(dict.fromkeys(items)))


def thanks(draft: Draft) -> Reply:
    """Confirm the filed report with its reference and who will act on it."""
    lines: list[Msg | Verbatim] = [
        msg("Thank you. Your report {reference} has been received.",
            reference=Verbatim(draft.reference)),
        msg("Sent to {targets}.", targets=target_text(draft.routing)),
    ]
    if draft.routing.unrouted:
        lines.append(msg("They will pass it on to the right municipality."))
    lines.append(msg("To follow it: STATUS {reference}.",
                     reference=Verbatim(draft.reference)))
    return Reply(tuple(lines))


def file_report(ctx: Context, *, kind: str, category: str, urgent: bool = False,
                place: Place | None = None, school_id: int | None = None,
                municipality_id: int | None = None, description: str = "",
                details: dict[str, Any] | None = None, anonymous: bool = False,
                callback_consent: bool = False, photos: tuple[str, ...] = (),
                country: str | None = None, incomplete: bool = False,
                reference: str | None = None) -> Finished:
    """Route the report, give it a reference, and return the effect with the thank-you."""
    draft = make_draft(ctx, kind=kind, category=category, urgent=urgent, place=place,
                       school_id=school_id, municipality_id=municipality_id,
                       description=description, details=details, anonymous=anonymous,
                       callback_consent=callback_consent, photos=photos, country=country,
                       incomplete=incomplete, reference=reference)
    return Finished((FileReport(draft),), (thanks(draft),))


def make_draft(ctx: Context, *, kind: str, category: str, urgent: bool = False,
               place: Place | None = None, school_id: int | None = None,
               municipality_id: int | None = None, description: str = "",
               details: dict[str, Any] | None = None, anonymous: bool = False,
               callback_consent: bool = False, photos: tuple[str, ...] = (),
               country: str | None = None, incomplete: bool = False,
               reference: str | None = None) -> Draft:
    """Route a report and return it as a draft ready to file, with a fresh reference."""
    where = place.municipality_id if place else municipality_id
    country = (place.country if place else None) or country
    routing = ctx.world.route(kind, category, urgent, where, school_id, ctx.language, country)
    return Draft(
        kind=kind, category=category, urgent=urgent,
        reference=reference or ctx.world.new_reference(),
        routing=routing, municipality_id=where, school_id=school_id,
        lat=place.lat if place else None, lon=place.lon if place else None,
        place_text=place.words if place else "",
        location=place.location if place else None,
        settlement=place.settlement if place else None,
        country=country, incomplete=incomplete,
        description=description, details=details or {}, anonymous=anonymous,
        callback_consent=callback_consent, photos=photos,
    )
