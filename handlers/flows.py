"""Every flow by name (the reports, and finding help): the engine looks flows up here."""

from __future__ import annotations

from handlers.child_at_risk import CHILD_AT_RISK
from handlers.dropout import DROPOUT
from handlers.find_help import SERVICES
from handlers.flow import Flow
from handlers.hazard import HAZARD
from handlers.subscribe import SUBSCRIPTION

FLOWS: dict[str, Flow] = {flow.name: flow for flow in (HAZARD, CHILD_AT_RISK, DROPOUT,
                                                       SERVICES, SUBSCRIPTION)}
