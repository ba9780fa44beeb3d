"""Status of my report: one reference, or the newest reports from this address."""

from __future__ import annotations

from handlers.categories import KINDS, STATUSES, category_label
from handlers.flow import Context
from handlers.i18n import Msg, Verbatim, When, msg
from handlers.types import Reply, StatusView

MAX_LISTED = 5


def describe(view: StatusView) -> Msg:
    """Return one report's status as a sentence; a dropout flag names its class and pupil."""
    if view.kind == "dropout" and view.class_name and view.pupil:
        return msg("{reference}: {category}, class {class_name}, pupil {pupil}, sent {date}. "
                   "Status: {status}.", reference=Verbatim(view.reference),
                   category=category_label(view.kind, view.category),
                   class_name=Verbatim(view.class_name), pupil=Verbatim(view.pupil),
                   date=When(view.created_at), status=STATUSES.get(view.status, msg("received")))
    return msg("{reference}: {kind}, {category}, sent {date}. Status: {status}.",
               reference=Verbatim(view.reference), kind=KINDS.get(view.kind, msg("Report")),
               category=category_label(view.kind, view.category), date=When(view.created_at),
               status=STATUSES.get(view.status, msg("received")))


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
