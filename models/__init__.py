"""Typed SQLAlchemy models, database binding, migrations and seed data."""

from models.base import Base, utcnow
from models.campaigns import Campaign, Subscription
from models.geo import Municipality, Settlement
from models.linking import LinkCode
from models.messaging import (
    ConversationSession,
    DeliveryAttempt,
    OutboxMessage,
    ProcessedInbound,
)
from models.open311 import ApiClient
from models.people import (
    Contact,
    ContactPoint,
    DeadlineSetting,
    RoutingRule,
    School,
    Teacher,
)
from models.periodic import PeriodicRun
from models.rates import RateBucket
from models.relay import ReporterQuestion
from models.reports import (
    CLOSE_REASONS,
    OPEN_STATUSES,
    STATUSES,
    Attachment,
    Report,
    ReportEvent,
    ReportFollower,
    ReportRoute,
)
from models.rollups import DurationRollup, ReportRollup, ReportTally
from models.services import NEEDS, REFERRAL_STATES, Referral, Service
from models.users import USER_ROLES, AuditEntry, User

__all__ = [
    "USER_ROLES",
    "AuditEntry",
    "ApiClient",
    "User",
    "CLOSE_REASONS",
    "OPEN_STATUSES",
    "STATUSES",
    "Attachment",
    "Campaign",
    "Base",
    "Contact",
    "ContactPoint",
    "ConversationSession",
    "DeadlineSetting",
    "DeliveryAttempt",
    "DurationRollup",
    "LinkCode",
    "Municipality",
    "OutboxMessage",
    "PeriodicRun",
    "ProcessedInbound",
    "RateBucket",
    "Report",
    "ReportEvent",
    "ReportFollower",
    "ReporterQuestion",
    "ReportRoute",
    "NEEDS",
    "REFERRAL_STATES",
    "Referral",
    "Service",
    "ReportRollup",
    "ReportTally",
    "RoutingRule",
    "School",
    "Settlement",
    "Subscription",
    "Teacher",
    "utcnow",
]

# Imported for its flush hook, which keeps the roll-ups exact in every transaction.
import models.tallies  # noqa: E402, F401
