"""Status of my report: one reference, or the newest reports from this address."""

from __future__ import annotations

from handlers.categories import KINDS, category_label
from handlers.flow import Context
from handlers.i18n import Msg, Verbatim, When, msg
from handlers.recipients import recipient
from handlers.types import Reply, StatusView

MAX_LISTED = 5
# Where a report stands, as a sentence; {who} names a role and municipality, never a person.
STATES: dict[str, Msg] = {
    "received": msg("It has been sent to {who} and is waiting to be taken up."),
    "acknowledged": msg("It has been taken up by {who}."),
    "in_progress": msg("It is being handled by {who}."),
    "resolved": msg("It has been dealt with."),
    "closed": msg("It has been closed."),
    "reopened": msg("It was reopened because it is not fixed yet, and is with {who} again."),
}
CLOSED_BECAUSE: dict[str, Msg] = {
    "duplicate": msg("It was closed because someone had already reported the same thing."),
    "not_actionable": msg("It was looked into; no further action is needed for now."),
    "referred": msg("It was passed on to another service that can help better."),
}


def state(view: StatusView) -> Msg:
    """Say where a report stands: who holds it, or how it ended."""
    if view.status == "closed" and view.close_reason in CLOSED_BECAUSE:
        return CLOSED_BECAUSE[view.close_reason]
    template = STATES.get(view.status, STATES["received"])
    who = recipient(view.holder_role or "national", view.municipality_code, view.municipality)
    return msg(template.msgid, who=who) if "{who}" in template.msgid else template


def describe(view: StatusView) -> Msg:
    """Return one report's status as a sentence; a dropout flag names its class and pupil."""
    if view.kind == "dropout" and view.class_name and view.pupil:
        return msg("{reference} ({category}, class {class_name}, pupil {pupil}), sent {date}. "
                   "{state}", reference=Verbatim(view.reference),
                   category=category_label(view.kind, view.category),
                   class_name=Verbatim(view.class_name), pupil=Verbatim(view.pupil),
                   date=When(view.created_at), state=state(view))
    return msg("{reference} ({kind}: {category}), sent {date}. {state}",
               reference=Verbatim(view.reference), kind=KINDS.get(view.kind, msg("Report")),
               category=category_label(view.kind, view.category), date=When(view.created_at),
               state=state(view))


def status_reply(ctx: Context, reference: str) -> Reply:
    """Show one report filed from this address, or the newest ones when no reference is given."""
    inbound = ctx.inbound
    if reference:
        view = ctx.world.report_status(reference, inbound.channel, inbound.address)
        if view is None:
            # The same answer whether it does not exist or is someone else's: no probing.
            return Reply((msg("I found no report {reference} sent from here. Please check the "
                              "reference.", reference=Verbatim(reference)),))
        return Reply((describe(view),))
    views = ctx.world.my_reports(inbound.channel, inbound.address, MAX_LISTED)
    if not views:
        return Reply((msg("You have not sent any report from here yet. If you have a reference, "
                          "write STATUS and the reference, for example STATUS R-7K3M9Q."),))
    return Reply((msg("Your latest reports:"), *(describe(v) for v in views)))
