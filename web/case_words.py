"""The words of a case page: every code a report, its routes and its events store, as text.

Each table maps a stored code to its msgid, so a new code needs one line here (and its
translations); tests/test_case_pages.py fails on any code that would be shown raw.
"""

from __future__ import annotations

from handlers.i18n import Msg, msg

# How a report came in, after "Filed …" and in the report's facts.
CHANNELS: dict[str, Msg] = {
    "sms": msg("by SMS"),
    "telegram": msg("on Telegram"),
    "whatsapp": msg("on WhatsApp"),
    "cli": msg("from the command line"),
}

# Where each contact point alerted stands (ReportRoute.state).
ROUTE_STATES: dict[str, Msg] = {
    "alerted": msg("alerted, not taken up yet"),
    "acknowledged": msg("the report was taken up"),
    "escalated": msg("did not take it up in time: passed on"),
    "failed": msg("could not be reached: passed on"),
    "exhausted": msg("did not take it up, and nobody is left in line"),
    "reassigned": msg("the report was passed to someone else"),
}

# Dashboard users' roles (User.role).
USER_ROLES: dict[str, Msg] = {
    "admin": msg("administrator"),
    "coordinator": msg("coordinator"),
    "focal": msg("focal point"),
}

# A status change as the timeline says it (ReportEvent.to_status of a "status" event).
STATUS_CHANGES: dict[str, Msg] = {
    "acknowledged": msg("Taken up"),
    "in_progress": msg("Work started on it"),
    "resolved": msg("Marked as resolved"),
    "closed": msg("Closed"),
}
CLOSED_BECAUSE: dict[str, Msg] = {
    "duplicate": msg("Closed as a duplicate: it had already been reported"),
    "not_actionable": msg("Closed: nothing that can be acted on"),
    "referred": msg("Closed: referred to another service"),
}

# What a reporter added to a filed report (the "fields" of an "update" event).
ADDED_FIELDS: dict[str, Msg] = {
    "category": msg("what it is about"),
    "description": msg("a description"),
    "anonymous": msg("whether to stay anonymous"),
    "callback_consent": msg("whether they may be called back"),
    "details.age_band": msg("the child's age"),
    "details.sex": msg("the child's sex"),
    "details.words": msg("their own words"),
    "details.class": msg("the class"),
    "details.pupil": msg("the pupil"),
    "details.days_absent": msg("the days absent"),
    "details.reason": msg("the reason"),
    "details.reason_text": msg("the reason, in their words"),
    "details.school": msg("the school"),
}

# Why an alert went to the next in line (the "why" of an "escalation" event).
ESCALATED_BECAUSE: dict[str, Msg] = {
    "deadline": msg("Not taken up in time"),
    "failed": msg("The alert could not be delivered"),
    "deactivated": msg("The contact point is no longer active"),
}

# Which message was held back (the "purpose" of a "message_skipped" event).
SKIPPED_MESSAGES: dict[str, Msg] = {
    "alert": msg("An alert was not sent"),
    "escalation": msg("An escalated alert was not sent"),
    "report_update": msg("The reporter's addition was not passed on"),
    "reporter_update": msg("The update to the reporter was not sent"),
    "reporter_notice": msg("The message to the reporter was not sent"),
}
# The same, naming the contact point it was for, when the event says which.
SKIPPED_MESSAGES_TO: dict[str, Msg] = {
    "alert": msg("The alert to {point} was not sent"),
    "escalation": msg("The escalated alert to {point} was not sent"),
    "report_update": msg("The reporter's addition was not sent to {point}"),
}
# Why it was held back (the "why" of a "message_skipped" event; alerts/skips.py).
SKIPPED_BECAUSE: dict[str, Msg] = {
    "malformed": msg("The message was faulty (an error in the service)."),
    "finished": msg("The report was already {status}."),
    "taken_up": msg("The report had already been taken up."),
    "point_gone": msg("The contact point no longer exists."),
    "point_inactive": msg("The contact point is no longer active."),
    "point_opted_out": msg("Its address takes no messages."),
    "reporter_gone": msg("The reporter's address no longer exists."),
    "reporter_opted_out": msg("The reporter asked to receive no more messages."),
}
# How an address comes to take no messages, per channel.
STOPPED_BY_CHANNEL: dict[str, Msg] = {
    "sms": msg("Its SMS number takes no messages: it sent STOP, or the provider refused it."),
    "telegram": msg("Its Telegram chat has blocked the bot."),
}
