"""The simulator runs the real engine for admins; its reports are simulated and alert nobody."""

from __future__ import annotations

from sqlalchemy import func, select

from models import OutboxMessage, Report
from models.db import Database
from tests.conftest import AuthActions
from tests.test_dialogs import HAZARD_BY_SMS


def say(auth: AuthActions, pane: str, **fields: str) -> str:
    """Send one message in a pane; return the simulator page afterwards."""
    response = auth.post("/simulator/send", {"pane": pane, **fields}, page="/simulator/")
    assert response.status_code == 302
    return auth.client.get("/simulator/").get_data(as_text=True)


def test_sms_pane_files_a_simulated_hazard(auth: AuthActions, demo_db: Database) -> None:
    """The SMS dialog table, typed into the pane, files a report marked simulated, unalerted."""
    auth.login()
    page = ""
    for said, _ in HAZARD_BY_SMS:
        page = say(auth, "sms", text=said)
    with demo_db.session() as session:
        report = session.scalars(select(Report)).one()
        assert report.simulated and report.kind == "hazard"
        assert not session.scalar(select(func.count()).select_from(OutboxMessage))
    assert report.reference in page
    listing = auth.client.get("/reports").get_data(as_text=True)
    assert report.reference in listing and "badge simulated" in listing


def test_telegram_pane_has_buttons(auth: AuthActions) -> None:
    """The menu comes as buttons; pressing one runs the option."""
    auth.login()
    page = say(auth, "telegram", text="Tung")
    assert 'name="option" value="hazard"' in page
    page = say(auth, "telegram", option="hazard", label="Rrezik publik")
    assert 'name="option" value="open_pit"' in page


def test_only_admins_and_only_with_a_token(auth: AuthActions) -> None:
    """A coordinator gets 403; a post without its CSRF token is 400."""
    auth.login("prizren@example.org")
    assert auth.client.get("/simulator/").status_code == 403
    auth.post("/logout", {})
    auth.login()
    assert auth.client.post("/simulator/send", data={"pane": "sms",
                                                     "text": "Tung"}).status_code == 400
