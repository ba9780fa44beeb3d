"""One table of focal actions drives the alert buttons, the chat words and the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from bot.callbacks import handle_button
from bot.sender import keyboard
from handlers.focal import BLOCKED, UNCHANGED, focal_command
from handlers.focal import NOW as NOW_STATUS
from handlers.focal_actions import (
    CLOSE_REASONS,
    FOCAL_ACTIONS,
    FocalAction,
    available,
    buttons,
    by_button,
    by_word,
)
from handlers.types import AskReporter, Refer
from locales import Catalogs
from models import CLOSE_REASONS as STORED_REASONS
from models import ContactPoint, Report, ReportEvent
from models.db import Database
from tests.conftest import AuthActions
from tests.dialog import Chat, rows
from tests.test_focal_points import phone_of
from tests.test_lifecycle import file_hazard

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HOLDER = "Demo: Drenas public services"
HOLDER_CHAT = "7301"
STATUS_ACTIONS = [a for a in FOCAL_ACTIONS if a.kind == "status"]


def status_and_steps(db: Database, reference: str) -> tuple[str, list[str]]:
    """Return a report's status and the statuses its events went through."""
    with db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        steps = session.scalars(select(ReportEvent.to_status).where(
            ReportEvent.report_id == report.id, ReportEvent.kind == "status")
            .order_by(ReportEvent.id)).all()
        return report.status, [s for s in steps if s is not None]


@pytest.mark.parametrize(("status", "open_actions"), [
    ("routed", {"take_up", "in_progress", "resolve", "close", "ask", "refer"}),
    ("acknowledged", {"in_progress", "resolve", "close", "ask", "refer"}),
    ("in_progress", {"resolve", "close", "ask", "refer"}),
    ("resolved", {"ask"}),
    ("closed", {"ask"}),
    ("reopened", {"take_up", "in_progress", "resolve", "close", "ask", "refer"}),
])
def test_what_is_open_from_each_status(status: str, open_actions: set[str]) -> None:
    """The transitions decide which actions do something; asking is always open, referring
    while the report is open."""
    assert {a.key for a in FOCAL_ACTIONS if available(a, status)} == open_actions


def test_the_buttons_are_the_tables() -> None:
    """The alert's keyboard: the status buttons on one row, asking on the next."""
    assert [[a.button for a in row] for row in buttons()] == [["ack", "proc", "done"], ["ask"]]
    assert by_button("ask") is not None and by_button("nuke") is None
    assert CLOSE_REASONS == STORED_REASONS


def test_every_word_names_one_action_and_refer_is_a_referral() -> None:
    """No chat word is two actions; REFERO is the table's, and becomes a referral."""
    words = [word for action in FOCAL_ACTIONS for word in action.words]
    assert len(words) == len(set(words))
    refer = by_word("refero")
    assert refer is not None and refer.key == "refer" and "service" in refer.needs
    assert by_word("uputi") is refer and by_word("refer") is refer
    assert focal_command("REFERO R-7K3M9Q 12 the family needs counselling") == Refer(
        "R-7K3M9Q", "12 the family needs counselling")
    assert isinstance(focal_command("PITAJ R-7K3M9Q Gde tačno?"), AskReporter)
    assert isinstance(focal_command("ASK r-7k3m9q Where exactly?"), AskReporter)


def test_alert_keyboard_labels_come_from_the_table(catalogs: Catalogs) -> None:
    """Each button of an alert carries its action's label in the contact point's language."""
    board = keyboard("R-7K3M9Q", "en", catalogs)["inline_keyboard"]
    labels = [[button["text"] for button in row] for row in board]
    assert labels == [[catalogs(a.label, "en") for a in row] for row in buttons()]


@pytest.mark.parametrize("action", [a for a in STATUS_ACTIONS if a.button],
                         ids=lambda a: a.key)
def test_buttons_apply_the_tables_path(action: FocalAction, chat: Callable[..., Chat],
                                       demo_db: Database, catalogs: Catalogs) -> None:
    """A button takes the report through its action's path, as the holder."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        session.execute(update(ContactPoint).where(ContactPoint.name == HOLDER)
                        .values(telegram_chat_id=HOLDER_CHAT))
        press = handle_button(session, HOLDER_CHAT, f"{action.button}:{reference}", NOW,
                              catalogs=catalogs)
    assert press.line is not None and HOLDER in press.line
    assert status_and_steps(demo_db, reference) == (action.target,
                                                    ["received", "routed", *action.path])


@pytest.mark.parametrize("action", STATUS_ACTIONS, ids=lambda a: a.key)
def test_chat_words_apply_the_tables_path(action: FocalAction, chat: Callable[..., Chat],
                                          demo_db: Database) -> None:
    """Each action's word (and a close reason where needed) does what its button does."""
    reference = file_hazard(chat)
    holder = chat("sms", phone_of(demo_db, HOLDER))
    reason = " DUBLIKATE" if "reason" in action.needs else ""
    holder.replay(rows((f"{action.words[0].upper()} {reference}{reason}", reference)))
    assert status_and_steps(demo_db, reference) == (action.target,
                                                    ["received", "routed", *action.path])


@pytest.mark.parametrize("action", STATUS_ACTIONS, ids=lambda a: a.key)
def test_dashboard_form_applies_the_tables_path(action: FocalAction, auth: AuthActions,
                                                chat: Callable[..., Chat],
                                                demo_db: Database) -> None:
    """The dashboard offers the action from a new report and applies it the same way."""
    reference = file_hazard(chat)
    auth.login("focal.drenas@example.org")
    page = auth.client.get(f"/reports/{reference}").get_data(as_text=True)
    assert f'<option value="{action.target}">' in page
    auth.post(f"/reports/{reference}/status", {"status": str(action.target),
                                               "reason": "duplicate"},
              page=f"/reports/{reference}")
    assert status_and_steps(demo_db, reference) == (action.target,
                                                    ["received", "routed", *action.path])


def test_words_beyond_the_path_are_refused_politely(chat: Callable[..., Chat],
                                                    demo_db: Database) -> None:
    """PROCES on a resolved report changes nothing and says why; OK again says it is so."""
    reference = file_hazard(chat)
    holder = chat("sms", phone_of(demo_db, HOLDER))
    holder.replay(rows(
        (f"ZGJIDHUR {reference}", NOW_STATUS.msgid),
        (f"PROCES {reference}", BLOCKED.msgid),
        (f"OK {reference}", UNCHANGED.msgid),
    ))
    assert status_and_steps(demo_db, reference)[0] == "resolved"


def test_the_dashboard_refuses_a_status_no_action_reaches(auth: AuthActions,
                                                         chat: Callable[..., Chat],
                                                         demo_db: Database) -> None:
    """Reopening is the system's, never a form's: the form is refused with a 400."""
    reference = file_hazard(chat)
    auth.login()
    for target in ("reopened", "routed", "received"):
        response = auth.post(f"/reports/{reference}/status", {"status": target})
        assert response.status_code == 400
    assert status_and_steps(demo_db, reference)[0] == "routed"
