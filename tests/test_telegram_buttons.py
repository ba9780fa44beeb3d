"""Alert buttons: accepted only from a routed contact point's chat; stale presses change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from bot.callbacks import edited_alert, handle_button
from locales import Catalogs
from models import ContactPoint, Report, ReportEvent
from models.db import Database
from tests.dialog import Chat, references
from tests.test_dialogs import CHILD_IN_DANGER

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ROUTED = "Demo: Prishtinë child protection"
OTHER = "Demo: Prizren child protection"
ROUTED_CHAT, OTHER_CHAT = "7001", "7002"


@pytest.fixture
def reference(chat: Callable[..., Chat], demo_db: Database) -> str:
    """File an urgent child report routed to Prishtinë; give both demo points a chat."""
    reporter = chat("sms", "+38349111299")
    reporter.replay(CHILD_IN_DANGER)
    [ref] = references(reporter)
    with demo_db.transaction() as session:
        for name, chat_id in ((ROUTED, ROUTED_CHAT), (OTHER, OTHER_CHAT)):
            session.execute(update(ContactPoint).where(ContactPoint.name == name)
                            .values(telegram_chat_id=chat_id))
    return ref


def press(db: Database, catalogs: Catalogs, chat_id: str, data: str) -> tuple[str, str | None]:
    """Press a button in one transaction."""
    with db.transaction() as session:
        pressed = handle_button(session, chat_id, data, NOW, catalogs=catalogs)
        return pressed.answer, pressed.line


def state(db: Database, reference: str) -> tuple[str, int]:
    """Return the report's status and how many events it has."""
    with db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None
        count = session.scalar(select(func.count()).select_from(ReportEvent)
                               .where(ReportEvent.report_id == report.id))
        return report.status, int(count or 0)


def test_routed_chat_acknowledges_then_resolves(reference: str, demo_db: Database,
                                                catalogs: Catalogs) -> None:
    """Pranoj then Zgjidhur from the routed chat; the new text names the state and who acted."""
    answer, line = press(demo_db, catalogs, ROUTED_CHAT, f"ack:{reference}")
    assert reference in answer and line is not None
    assert ROUTED in line
    assert state(demo_db, reference)[0] == "acknowledged"
    answer, line = press(demo_db, catalogs, ROUTED_CHAT, f"done:{reference}")
    assert state(demo_db, reference)[0] == "resolved"
    assert line is not None and "zgjidhur" in line.lower()
    with demo_db.session() as session:
        actors = set(session.scalars(select(ReportEvent.actor).where(
            ReportEvent.to_status.in_(("acknowledged", "resolved")))))
        point = session.scalar(select(ContactPoint.id).where(ContactPoint.name == ROUTED))
    assert actors == {f"contact_point:{point}"}


def test_in_progress_takes_the_report_up_first(reference: str, demo_db: Database,
                                               catalogs: Catalogs) -> None:
    """Në proces on a fresh alert acknowledges and marks it in progress."""
    _, line = press(demo_db, catalogs, ROUTED_CHAT, f"proc:{reference}")
    assert line is not None
    assert state(demo_db, reference)[0] == "in_progress"


def test_repeated_and_stale_presses_change_nothing(reference: str, demo_db: Database,
                                                   catalogs: Catalogs) -> None:
    """A second Pranoj, or Në proces after Zgjidhur, is answered and stores nothing."""
    press(demo_db, catalogs, ROUTED_CHAT, f"done:{reference}")
    before = state(demo_db, reference)
    for data in (f"ack:{reference}", f"proc:{reference}", f"done:{reference}"):
        answer, line = press(demo_db, catalogs, ROUTED_CHAT, data)
        assert line is None and reference in answer
    assert state(demo_db, reference) == before


def test_wrong_chat_is_told_not_found(reference: str, demo_db: Database,
                                      catalogs: Catalogs) -> None:
    """Another point's chat, or a stranger, gets the same answer as for a made-up reference."""
    before = state(demo_db, reference)
    theirs, line = press(demo_db, catalogs, OTHER_CHAT, f"ack:{reference}")
    made_up, _ = press(demo_db, catalogs, OTHER_CHAT, "ack:R-ZZZZZZ")
    stranger, _ = press(demo_db, catalogs, "999", f"ack:{reference}")
    assert line is None
    assert theirs.replace(reference, "X") == made_up.replace("R-ZZZZZZ", "X")
    assert stranger == theirs
    assert state(demo_db, reference) == before


@pytest.mark.parametrize("data", ["", "ack", "ack:", "nuke:R-7K3M9Q", "ack:R-7K3M9Q;drop",
                                  "ack:r-7k3m9q ", "x" * 300, "done:R-ÇÇÇÇÇÇ"])
def test_tampered_data_is_refused_politely(reference: str, demo_db: Database,
                                           catalogs: Catalogs, data: str) -> None:
    """Callback data we did not write gets an answer and changes nothing."""
    before = state(demo_db, reference)
    answer, line = press(demo_db, catalogs, ROUTED_CHAT, data)
    assert answer and line is None
    assert state(demo_db, reference) == before


def test_edited_alert_replaces_its_status_line() -> None:
    """The status line goes under the alert, and a later one replaces it."""
    once = edited_alert("New report R-1", "acknowledged: A")
    assert edited_alert(once, "resolved: A") == "New report R-1\n\n— resolved: A"
