"""The dashboard through Flask's test client: sign-in, scope, actions, audit, CSRF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select, update

from models import AuditEntry, OutboxMessage, Report, ReportEvent, User
from models.db import Database
from sinjalizo.cli import main
from tests.conftest import PASSWORD, AuthActions
from tests.dialog import Chat, references
from tests.fake_telegram import PHOTO_BYTES
from tests.test_dialogs import CHILD_IN_DANGER, HAZARD_BY_SMS

PRIZREN_CHILD = tuple((said.replace("prishtinë", "prizren"),
                       wanted if said != "prishtinë" else "R-")
                      for said, wanted in CHILD_IN_DANGER)


@pytest.fixture
def filed(chat: Callable[..., Chat]) -> dict[str, str]:
    """File a hazard in Drenas and a child at risk in Prizren; return their references."""
    drenas, prizren = chat("sms", "+38349200001"), chat("sms", "+38349200002")
    drenas.replay(HAZARD_BY_SMS)
    prizren.replay(PRIZREN_CHILD)
    return {"drenas": references(drenas)[0], "prizren": references(prizren)[0]}


def status_of(db: Database, reference: str) -> str:
    """Return a report's status."""
    with db.session() as session:
        return session.scalars(select(Report.status).where(Report.reference == reference)).one()


def test_sign_in_and_out(auth: AuthActions) -> None:
    """The list needs a signed-in user; signing in leads there; signing out ends it."""
    assert auth.client.get("/reports").status_code == 302
    response = auth.login()
    assert response.status_code == 302 and response.headers["Location"].endswith("/reports")
    assert auth.client.get("/reports").status_code == 200
    auth.post("/logout", {})
    assert auth.client.get("/reports").status_code == 302


def test_wrong_password_and_lockout(auth: AuthActions, demo_db: Database,
                                    dashboard: Flask) -> None:
    """Six wrong passwords lock the account for 30 minutes, even against the right one."""
    assert auth.login(password="wrong").status_code == 401
    assert auth.login("nobody@example.org").status_code == 401  # answered alike
    for _ in range(5):
        auth.login(password="wrong")
    locked = auth.login()
    assert locked.status_code == 401
    assert "30" in locked.get_data(as_text=True)
    with demo_db.transaction() as session:
        user = session.scalars(select(User).where(User.email == "admin@example.org")).one()
        assert user.locked_until is not None
        user.locked_until = user.locked_until - timedelta(minutes=31)
    assert auth.login().status_code == 302


def test_post_without_csrf_token_is_refused(auth: AuthActions, filed: dict[str, str],
                                            demo_db: Database) -> None:
    """A form posted without its token is a 400 and changes nothing."""
    auth.login()
    response = auth.client.post(f"/reports/{filed['drenas']}/status",
                                data={"status": "acknowledged"})
    assert response.status_code == 400
    assert status_of(demo_db, filed["drenas"]) == "routed"
    assert auth.client.post("/login", data={"email": "admin@example.org",
                                            "password": PASSWORD}).status_code == 400


def test_focal_point_sees_only_its_own(auth: AuthActions, filed: dict[str, str],
                                       demo_db: Database) -> None:
    """Prizren's focal point can neither list, open nor act on Drenas' report."""
    auth.login("focal.prizren@example.org")
    page = auth.client.get("/reports").get_data(as_text=True)
    assert filed["prizren"] in page and filed["drenas"] not in page
    assert auth.client.get(f"/reports/{filed['drenas']}").status_code == 404
    assert auth.client.get(f"/reports/{filed['prizren']}").status_code == 200
    for path, data in ((f"/reports/{filed['drenas']}/status", {"status": "acknowledged"}),
                       (f"/reports/{filed['drenas']}/reassign", {"contact_point": "1"})):
        assert auth.post(path, data).status_code == 404
    assert status_of(demo_db, filed["drenas"]) == "routed"


def test_coordinator_sees_the_municipality(auth: AuthActions, filed: dict[str, str]) -> None:
    """Prizren's coordinator sees Prizren's report and not Drenas'."""
    auth.login("prizren@example.org")
    page = auth.client.get("/reports").get_data(as_text=True)
    assert filed["prizren"] in page and filed["drenas"] not in page


def test_acknowledge_then_resolve_with_a_note(auth: AuthActions, filed: dict[str, str],
                                              demo_db: Database) -> None:
    """Each action is an event by the user, audited, and the reporter is told."""
    auth.login("focal.drenas@example.org")
    reference = filed["drenas"]
    auth.post(f"/reports/{reference}/status", {"status": "acknowledged"})
    auth.post(f"/reports/{reference}/status", {"status": "resolved",
                                               "note": "Pusetja u mbulua."})
    assert status_of(demo_db, reference) == "resolved"
    page = auth.client.get(f"/reports/{reference}").get_data(as_text=True)
    assert "Pusetja u mbulua." in page
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        events = session.scalars(select(ReportEvent).where(
            ReportEvent.report_id == report.id, ReportEvent.kind == "status",
            ReportEvent.actor.like("staff:%")).order_by(ReportEvent.id)).all()
        assert [e.to_status for e in events] == ["acknowledged", "resolved"]
        told = session.scalars(select(OutboxMessage.payload).where(
            OutboxMessage.report_id == report.id,
            OutboxMessage.purpose == "reporter_update")).all()
        assert [p["status"] for p in told] == ["acknowledged", "resolved"]
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.report_id == report.id)).all()
        assert actions.count("status") == 2 and "view" in actions


def test_closing_needs_a_reason(auth: AuthActions, filed: dict[str, str],
                                demo_db: Database) -> None:
    """Close without a reason is refused; with one it closes."""
    auth.login()
    reference = filed["drenas"]
    auth.post(f"/reports/{reference}/status", {"status": "closed"})
    assert status_of(demo_db, reference) == "routed"
    auth.post(f"/reports/{reference}/status", {"status": "closed", "reason": "duplicate"})
    assert status_of(demo_db, reference) == "closed"


def test_reassign_to_another_municipality_moves_the_report(
        auth: AuthActions, filed: dict[str, str], demo_db: Database) -> None:
    """The admin passes Drenas' hazard to Prizren's public services: it moves there."""
    from models import ContactPoint

    with demo_db.session() as session:
        point = session.scalars(select(ContactPoint).where(
            ContactPoint.name.like("%Prizren%"), ContactPoint.role == "public_services")).one()
    auth.login()
    auth.post(f"/reports/{filed['drenas']}/reassign", {"contact_point": str(point.id),
                                                       "note": "Është në Prizren."})
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(
            Report.reference == filed["drenas"])).one()
        assert report.municipality_id == point.municipality_id
        alerts = session.scalars(select(OutboxMessage.contact_point_id).where(
            OutboxMessage.report_id == report.id, OutboxMessage.purpose == "alert",
            OutboxMessage.status == "pending")).all()
        assert alerts == [point.id]


def test_stored_script_is_inert(auth: AuthActions, filed: dict[str, str],
                                demo_db: Database) -> None:
    """A <script> in a description is shown as text, never run."""
    with demo_db.transaction() as session:
        session.execute(update(Report).where(Report.reference == filed["drenas"]).values(
            description='<script>alert("x")</script>'))
    auth.login()
    page = auth.client.get(f"/reports/{filed['drenas']}")
    body = page.get_data(as_text=True)
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;" in body
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_anonymous_reporter_is_never_shown(auth: AuthActions, filed: dict[str, str]) -> None:
    """The hazard reporter's number appears nowhere on the page."""
    auth.login()
    assert "+38349200001" not in auth.client.get(f"/reports/{filed['drenas']}").get_data(
        as_text=True)


def test_idle_session_ends_after_an_hour(auth: AuthActions) -> None:
    """An hour without a request signs the user out."""
    auth.login()
    with auth.client.session_transaction() as session:
        session["seen"] -= 3601
    assert auth.client.get("/reports").status_code == 302


def test_filters_and_unknown_reference(auth: AuthActions, filed: dict[str, str]) -> None:
    """Kind and status filters narrow the list; a made-up reference is a 404."""
    auth.login()
    page = auth.client.get("/reports?kind=hazard").get_data(as_text=True)
    assert filed["drenas"] in page and filed["prizren"] not in page
    page = auth.client.get("/reports?status=closed&from=bad-date").get_data(as_text=True)
    assert filed["drenas"] not in page
    assert auth.client.get("/reports/R-ZZZZZZ").status_code == 404


def test_overdue_filter(auth: AuthActions, filed: dict[str, str], demo_db: Database) -> None:
    """A report older than its deadline and not taken up is overdue."""
    with demo_db.transaction() as session:
        # The dialogs are dated in March: make Prizren's report fresh, so only Drenas' is late.
        session.execute(update(Report).where(Report.reference == filed["prizren"]).values(
            created_at=datetime.now(UTC)))
    auth.login()
    page = auth.client.get("/reports?overdue=1").get_data(as_text=True)
    assert filed["drenas"] in page and filed["prizren"] not in page


def test_telegram_photo_is_served_only_to_authorised_users(
        auth: AuthActions, chat: Callable[..., Chat], demo_db: Database) -> None:
    """The photo comes through the bot for the Drenas focal point; Prizren's gets a 404."""
    from tests.test_dialogs import test_hazard_by_telegram_with_pin_and_photo as file_photo

    file_photo(chat, demo_db)
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(Report.channel == "telegram")).one()
        attachment_id = report.attachments[0].id
    path = f"/reports/{report.reference}/attachments/{attachment_id}"
    auth.login("focal.drenas@example.org")
    response = auth.client.get(path)
    assert response.status_code == 200 and response.data == PHOTO_BYTES
    assert response.mimetype == "image/jpeg"
    auth.post("/logout", {})
    auth.login("focal.prizren@example.org")
    assert auth.client.get(path).status_code == 404


def test_user_add_command(demo_db: Database, database_url: str) -> None:
    """`sinjalizo user add` creates a user who can sign in; bad input is a clear error."""
    runner = CliRunner()
    base = ["--database-url", database_url, "user", "add"]
    ok = runner.invoke(main, [*base, "--email", "New@Example.org", "--password", "a long password",
                              "--role", "coordinator", "--municipality", "gllogoc"])
    assert ok.exit_code == 0, ok.output
    assert "Created coordinator new@example.org" in ok.output
    short = runner.invoke(main, [*base, "--email", "x@example.org", "--password", "short",
                                 "--role", "admin"])
    assert short.exit_code != 0 and "10 characters" in short.output
    nowhere = runner.invoke(main, [*base, "--email", "y@example.org", "--password",
                                   "a long password", "--role", "focal", "--municipality",
                                   "Atlantis", "--roles", "child_protection"])
    assert nowhere.exit_code != 0 and "not found" in nowhere.output
    with demo_db.session() as session:
        user = session.scalars(select(User).where(User.email == "new@example.org")).one()
        assert user.municipality is not None and user.municipality.name_sq == "Drenas"


def test_every_page_speaks_the_users_language(auth: AuthActions, filed: dict[str, str]) -> None:
    """Albanian by default; the language links switch it, and it sticks to the user."""
    auth.login()
    assert "<h1>Raportimet</h1>" in auth.client.get("/reports").get_data(as_text=True)
    auth.client.get("/language/en?next=/reports")
    assert "<h1>Reports</h1>" in auth.client.get("/reports").get_data(as_text=True)
