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
    "open311": msg("through the Open311 interface"),
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

# A contact point's role in brackets after its name: "Besa Gashi (Centre for Social Work, Drenas)".
POINT_ROLES: dict[str, Msg] = {
    "child_protection": msg("Centre for Social Work"),
    "police_liaison": msg("police"),
    "dropout_team": msg("dropout prevention team"),
    "education": msg("municipal education directorate"),
    "public_services": msg("municipal public services"),
    "school": msg("school"),
    "coordinator": msg("municipal coordinator"),
    "national": msg("national child-protection office"),
}

# Dashboard users' roles (User.role).
USER_ROLES: dict[str, Msg] = {
    "admin": msg("administrator"),
    "coordinator": msg("coordinator"),
    "focal": msg("focal point"),
}

# A status change as the timeline says it (ReportEvent.to_status of a "status" event).
STATUS_CHANGES: dict[str, Msg] = {
    "acknowledged": msg("{who} took up the report"),
    "in_progress": msg("{who} started work on the report"),
    "resolved": msg("{who} marked the report as resolved"),
    "closed": msg("{who} closed the report"),
    "reopened": msg("{who} reopened the report: the hazard is not fixed yet"),
}
CLOSED_BECAUSE: dict[str, Msg] = {
    "duplicate": msg("{who} closed the report as a duplicate: it had already been reported"),
    "not_actionable": msg("{who} closed the report: there is nothing that can be acted on"),
    "referred": msg("{who} closed the report and referred the case to another service"),
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

# Why an alert went to the next in line (the "why" of an "escalation" event): as a sentence,
# and as a line under the end of the chain.
ESCALATED_WHY: dict[str, Msg] = {
    "deadline": msg("{who} passed the report on: it was not taken up in time"),
    "failed": msg("{who} passed the report on: the alert could not be delivered"),
    "deactivated": msg("{who} passed the report on: the contact point is no longer active"),
}
ESCALATED_BECAUSE: dict[str, Msg] = {
    "deadline": msg("Not taken up in time"),
    "failed": msg("The alert could not be delivered"),
    "deactivated": msg("The contact point is no longer active"),
}

# Which message was held back (the "purpose" of a "message_skipped" event).
SKIPPED_MESSAGES: dict[str, Msg] = {
    "alert": msg("{who} did not send an alert"),
    "escalation": msg("{who} did not send an escalated alert"),
    "report_update": msg("{who} did not pass on what the reporter added"),
    "reporter_update": msg("{who} did not send the reporter their update"),
    "reporter_notice": msg("{who} did not send the message to the reporter"),
    "relay_question": msg("{who} did not send the question to the reporter"),
    "relay_answer": msg("{who} did not pass on the reporter's answer"),
    "fixed_check": msg("{who} did not ask the reporter whether the hazard is really fixed"),
    "referral": msg("{who} did not send the referral to the service"),
    "referral_update": msg("{who} did not pass on the service's answer to the referral"),
}
# The same, naming the contact point it was for, when the event says which.
SKIPPED_MESSAGES_TO: dict[str, Msg] = {
    "alert": msg("{who} did not send the alert to {point}"),
    "escalation": msg("{who} did not send the escalated alert to {point}"),
    "report_update": msg("{who} did not pass on to {point} what the reporter added"),
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
    "referral_moved_on": msg("The referral had already been answered or revoked."),
    "service_inactive": msg("The service is no longer active in the directory."),
    "service_opted_out": msg("The service's address takes no messages."),
    "no_whatsapp_template": msg("They had not written on WhatsApp for 24 hours, so only an "
                                "approved template may go, and none is configured for it."),
}
# How an address comes to take no messages, per channel.
STOPPED_BY_CHANNEL: dict[str, Msg] = {
    "sms": msg("Its SMS number takes no messages: it sent STOP, or the provider refused it."),
    "telegram": msg("Its Telegram chat has blocked the bot."),
    "whatsapp": msg("Its WhatsApp number takes no messages: it sent STOP, or the provider "
                    "refused it."),
}
