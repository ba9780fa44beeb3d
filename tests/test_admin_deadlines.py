"""Escalation deadlines changed by an admin in the dashboard, and followed by the worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from alerts.clock import ManualClock
from alerts.deadlines import Deadlines, compact
from models import AuditEntry, DeadlineSetting, ReportEvent
from models.db import Database
from tests.conftest import AuthActions
from tests.dialog import START, Chat
from tests.fake_senders import FakeSender
from tests.test_alerts_end_to_end import REPORTER, worker_for
from tests.test_dialogs import CHILD_IN_DANGER
from tests.test_focal_points import phone_of

PAGE = "/admin/deadlines"


def stored(db: Database) -> dict[tuple[str, bool], int]:
    """Return the deadlines set in the dashboard, in minutes."""
    with db.session() as session:
        return {(row.kind, row.urgent): row.minutes
                for row in session.scalars(select(DeadlineSetting))}


def test_the_file_is_overridden_kind_by_kind() -> None:
    """A setting replaces one deadline; an urgent one left unset follows the normal one."""
    file = Deadlines.load()
    table = file.overridden([("hazard", False, timedelta(hours=6)),
                             ("default", False, timedelta(hours=12))])
    assert table.deadline_for("hazard", False) == timedelta(hours=6)
    assert table.deadline_for("hazard", True) == timedelta(hours=6)
    assert table.deadline_for("child_at_risk", True) == timedelta(minutes=15)
    assert table.default == timedelta(hours=12)
    assert [compact(timedelta(minutes=m)) for m in (15, 90, 1440, 4320, 10080)] == [
        "15m", "90m", "24h", "72h", "7d"]


def test_an_admin_shortens_a_deadline_and_the_worker_follows(
        auth: AuthActions, demo_db: Database, database_url: str,
        chat: Callable[..., Chat]) -> None:
    """Urgent child-at-risk set to 5 minutes: six quiet minutes reach the coordinator."""
    auth.login()
    auth.post(PAGE, {"child_at_risk.urgent": "5m"}, page=PAGE)
    assert stored(demo_db) == {("child_at_risk", True): 5}
    page = auth.client.get(PAGE).get_data(as_text=True)
    assert 'value="5m"' in page and "dashboard:admin@example.org" in page
    chat("sms", REPORTER).replay(CHILD_IN_DANGER)
    sms, clock = FakeSender("sms"), ManualClock(START + timedelta(minutes=5))
    worker = worker_for(demo_db, database_url, sms, clock)
    worker.dispatcher.run_once()
    clock.advance(minutes=6)
    worker.run_ticks()
    worker.dispatcher.run_once()
    coordinator = phone_of(demo_db, "Demo: Prishtinë coordinator")
    assert coordinator in [m.address for m in sms.sent[2:]]
    with demo_db.session() as session:
        assert session.scalars(select(ReportEvent).where(ReportEvent.kind == "escalation")).all()
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "admin")).one()
    assert entry.detail == {"change": "escalation deadline", "kind": "child_at_risk",
                            "urgent": True, "before": "file", "after": "5m"}


@pytest.mark.parametrize("value", ["forever", "0m", "31d", "1.5m", "-5m", "5" * 30])
def test_a_bad_deadline_changes_nothing(auth: AuthActions, demo_db: Database,
                                        value: str) -> None:
    """One bad field refuses the whole form, and says which value was wrong."""
    auth.login()
    answer = auth.client.post(PAGE, data={"hazard.normal": "2h", "dropout.normal": value,
                                          "csrf_token": auth.token(PAGE)},
                              follow_redirects=True).get_data(as_text=True)
    assert stored(demo_db) == {}
    assert "Nothing was changed" in answer or "Asgjë nuk u ndryshua" in answer
    assert value[:20] in answer


def test_an_emptied_field_returns_to_the_file(auth: AuthActions, demo_db: Database) -> None:
    """Clearing a set deadline deletes the setting; saving the same values changes nothing."""
    auth.login()
    auth.post(PAGE, {"hazard.normal": "1.5h", "default": "12h"}, page=PAGE)
    assert stored(demo_db) == {("hazard", False): 90, ("default", False): 720}
    auth.post(PAGE, {"hazard.normal": "90m", "default": "12h"}, page=PAGE)
    auth.post(PAGE, {"hazard.normal": "90m"}, page=PAGE)
    assert stored(demo_db) == {("hazard", False): 90}
    with demo_db.session() as session:
        changes = [entry.detail for entry in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "admin").order_by(AuditEntry.id))]
    assert [(c["kind"], c["before"], c["after"]) for c in changes] == [
        ("hazard", "file", "90m"), ("default", "file", "12h"), ("default", "12h", "file")]


def test_only_admins_change_deadlines(auth: AuthActions, demo_db: Database) -> None:
    """A coordinator's crafted POST is refused and stores nothing."""
    auth.login("prizren@example.org")
    assert auth.post(PAGE, {"hazard.normal": "1m"}, page="/admin/").status_code == 403
    assert stored(demo_db) == {}
