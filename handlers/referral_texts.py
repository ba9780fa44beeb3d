"""What a focal point or a service is told after a referral keyword, and referral states in words.

The service layer decides (service/referral_acting.py); the words are here, with the rest of
the conversation's text, so that they are translated in the same catalogs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers.i18n import ListOf, Msg, PlaceName, Verbatim, msg
from handlers.needs import need_label
from handlers.types import Reply, Text

MAX_LISTED = 10

REFERRAL_STATES: dict[str, Msg] = {
    "sent": msg("sent, waiting for the service"),
    "accepted": msg("accepted by the service"),
    "declined": msg("declined by the service"),
    "done": msg("done: the service has helped"),
    "revoked": msg("revoked"),
}
# The timeline's names of referral events (ReportEvent.kind).
REFERRAL_EVENTS: dict[str, Msg] = {
    "referral_sent": msg("Referred to a service"),
    "referral_accepted": msg("Referral accepted"),
    "referral_declined": msg("Referral declined"),
    "referral_done": msg("Referral done"),
    "referral_revoked": msg("Referral revoked"),
}


@dataclass(frozen=True)
class Listed:
    """A service as a focal point's list shows it: its number, name and needs."""

    id: int
    name: str
    needs: tuple[str, ...]


def not_found(reference: str) -> Reply:
    """Say the report is not theirs, in the words a focal point's other actions use."""
    return Reply((msg("I found no report {reference} assigned to you. Please check the "
                      "reference.", reference=Verbatim(reference)),))


def listing(reference: str, code: str | None, municipality: str,
            services: Sequence[Listed]) -> Reply:
    """List the services a report may be referred to, and how to refer it."""
    where = PlaceName(code, municipality)
    shown = Verbatim(reference)
    if not municipality:
        # The directory is per municipality: a report whose place is not known has none yet.
        return Reply((msg("Report {reference} has no municipality yet, so there is no local "
                          "service to refer it to. Pass it to the municipality first from the "
                          "dashboard.", reference=shown),))
    if not services:
        return Reply((msg("There are no services of {municipality:gen} in the directory yet; "
                          "the coordinator can add them in the dashboard.",
                          municipality=where),))
    lines: list[Text] = [msg("Services in {municipality:loc} for report {reference}:",
                             municipality=where, reference=shown)]
    lines.extend(listed_line(s) for s in services[:MAX_LISTED])
    if len(services) > MAX_LISTED:
        lines.append(msg("And {more} more: see the report's page in the dashboard.",
                         more=len(services) - MAX_LISTED))
    lines.append(msg("Write REFERO {reference} and the service's number, for example REFERO "
                     "{reference} {number}, then a note for the service if you wish.",
                     reference=shown, number=Verbatim(str(services[0].id))))
    return Reply(tuple(lines))


def listed_line(service: Listed) -> Msg:
    """Return one service of a focal point's list: number, name and what it helps with."""
    return msg("#{number} {name}: {needs}", number=Verbatim(str(service.id)),
               name=Verbatim(service.name),
               needs=ListOf(tuple(need_label(n) for n in service.needs)))


def unknown_service(reference: str, words: str) -> Reply:
    """Say no service of the report's municipality goes by those words."""
    return Reply((msg("I found no service \u201c{words}\u201d for report {reference}. Write "
                      "REFERO {reference} to see the list.", words=Verbatim(words[:60]),
                      reference=Verbatim(reference)),))


def ambiguous(reference: str, services: Sequence[Listed]) -> Reply:
    """Ask which of several services with that name was meant, by number."""
    return Reply((msg("Several services go by that name. Write REFERO {reference} and the "
                      "number of one of them:", reference=Verbatim(reference)),
                  *(listed_line(s) for s in services[:MAX_LISTED])))


def referred(reference: str, service: str, notified: bool, already: bool) -> Reply:
    """Confirm a referral (or say it was already made and is waiting)."""
    shown, name = Verbatim(reference), Verbatim(service)
    if already:
        return Reply((msg("Report {reference} is already referred to {service}, which has not "
                          "finished with it yet.", reference=shown, service=name),))
    lines: list[Text] = [msg("Report {reference} was referred to {service}.",
                             reference=shown, service=name)]
    lines.append(msg("The service was sent the referral, without the reporter's name or "
                     "number.") if notified else
                 msg("The service has no phone in the directory: please tell it yourself."))
    return Reply(tuple(lines))


def cannot_refer(reference: str, status: Msg) -> Reply:
    """Say a finished report cannot be referred."""
    return Reply((msg("Report {reference} is {status} and cannot be referred now.",
                      reference=Verbatim(reference), status=status),))


def answered(reference: str, state: str, changed: bool) -> Reply:
    """Thank a service for its answer to a referral (or say it stood so already)."""
    shown = Verbatim(reference)
    if not changed:
        return Reply((msg("The referral of report {reference} is already marked: {state}.",
                          reference=shown, state=REFERRAL_STATES[state]),))
    return Reply((msg("Thank you. The referral of report {reference} is now: {state}. The "
                      "social worker who referred it is told.", reference=shown,
                      state=REFERRAL_STATES[state]),))


def no_referral(reference: str) -> Reply:
    """Say this service has no referral of that report (the same whether or not it exists)."""
    return Reply((msg("I found no referral of report {reference} to your service. Please check "
                      "the reference.", reference=Verbatim(reference)),))


def answer_blocked(reference: str, state: str) -> Reply:
    """Say the referral can no longer change this way."""
    return Reply((msg("The referral of report {reference} is {state} and cannot be changed "
                      "now.", reference=Verbatim(reference), state=REFERRAL_STATES[state]),))


def reason_needed(reference: str) -> Reply:
    """Ask a service declining a referral to say why, with an example."""
    return Reply((msg("Please write the reason after the reference, for example: REFUZOHET "
                      "{reference} we have no places until May.", reference=Verbatim(reference)),))
