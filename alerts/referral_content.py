"""The text of referral messages, written when they are sent, in the reader's language.

To a service: what a service needs to help, and nothing that identifies the reporter; for a
child, only the kind of report, the age band, the municipality, the need and the focal
point's note (never the description, the place words or the child's sex). To a report's
holders: the service's answer, and for a declined referral, that a new one is needed.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from alerts.skips import Problem
from handlers.categories import AGE_BANDS, KINDS, label
from handlers.i18n import Msg, PlaceName, Verbatim, msg
from handlers.needs import need_label
from handlers.referral_texts import REFERRAL_STATES
from models import OutboxMessage, Report
from models.optout import is_opted_out
from models.services import Referral
from service.referral_messages import HOLDER_PURPOSE, SERVICE_PURPOSE

PURPOSES = (SERVICE_PURPOSE, HOLDER_PURPOSE)


def referral_problem(session: Session, row: OutboxMessage,
                     report: Report) -> Problem | None:
    """Say why a referral message must not go out, or None when it may."""
    referral_id = row.payload.get("referral_id")
    referral = session.get(Referral, referral_id) if isinstance(referral_id, int) else None
    if referral is None or referral.report_id != report.id:
        return Problem("malformed", "malformed payload: no such referral of this report")
    if row.purpose == SERVICE_PURPOSE and row.payload.get("event") == "new" \
            and referral.state != "sent":
        return Problem("referral_moved_on",
                       f"the referral was {referral.state} before the message went out")
    if not referral.service.active and row.purpose == SERVICE_PURPOSE:
        return Problem("service_inactive", "the service is no longer active")
    if is_opted_out(session, row.channel, row.address):
        return Problem("point_opted_out" if row.purpose == HOLDER_PURPOSE else "service_opted_out",
                       f"the {row.channel} address takes no messages")
    return None


def referral_lines(session: Session, row: OutboxMessage, report: Report,
                   base_url: str) -> Iterator[Msg]:
    """Yield a referral message's lines (the row passed `referral_problem`)."""
    referral = session.get(Referral, row.payload["referral_id"])
    assert referral is not None
    if row.purpose == SERVICE_PURPOSE:
        yield from _to_service(report, referral, str(row.payload.get("event")), row.language)
    else:
        yield from _to_holder(report, referral, base_url)


def _to_service(report: Report, referral: Referral, event: str,
                language: str) -> Iterator[Msg]:
    """Yield what the service is told: the referral, or that it was revoked."""
    reference, service = Verbatim(report.reference), Verbatim(referral.service.name)
    if event == "revoked":
        yield msg("Sinjalizo: the referral of report {reference} to {service} was revoked; "
                  "nothing more is needed from you.", reference=reference, service=service)
        return
    yield msg("Sinjalizo referral {reference} to {service}", reference=reference,
              service=service)
    kind = KINDS.get(report.kind, msg("Report"))
    where = PlaceName(report.municipality.code, report.municipality.name(language)) \
        if report.municipality is not None else Verbatim("–")
    details = report.details if isinstance(report.details, dict) else {}
    age = str(details.get("age_band") or "unknown")
    if report.kind == "child_at_risk" and age != "unknown":
        yield msg("{kind}, {age}, {municipality}", kind=kind, age=label(AGE_BANDS, age),
                  municipality=where)
    else:
        yield msg("{kind}, {municipality}", kind=kind, municipality=where)
    if referral.need:
        yield msg("Help needed: {need}", need=need_label(referral.need))
    if referral.note:
        yield msg("Note: {note}", note=Verbatim(referral.note))
    yield msg("Reply PRANOHET {reference}, REFUZOHET {reference} and the reason, or KRYER "
              "{reference} once you have helped.", reference=reference)


def _to_holder(report: Report, referral: Referral, base_url: str) -> Iterator[Msg]:
    """Yield what the report's focal points are told of the referral's new state."""
    reference, service = Verbatim(report.reference), Verbatim(referral.service.name)
    state = referral.state
    yield msg("Referral of report {reference} to {service}: {state}.", reference=reference,
              service=service, state=REFERRAL_STATES.get(state, Verbatim(state)))
    if state == "declined":
        if referral.reason:
            yield msg("Reason: {reason}", reason=Verbatim(referral.reason))
        yield msg("The report needs a new referral: write REFERO {reference} to see the "
                  "services.", reference=reference)
    link = f"{base_url.rstrip('/')}/reports/{report.reference}"
    yield msg("Details: {link}", link=Verbatim(link))
