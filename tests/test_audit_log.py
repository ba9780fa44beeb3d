"""The audit log page: admins read and filter it; nobody else may."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from models import User
from models.db import Database
from tests.conftest import AuthActions
from tests.dialog import Chat, references
from tests.test_dialogs import HAZARD_BY_SMS


def rows(auth: AuthActions, path: str) -> str:
    """Return the HTML of the log table's rows on a page."""
    page = auth.client.get(path).get_data(as_text=True)
    return page.split("<tbody>")[1].split("</tbody>")[0]


def test_admin_sees_and_filters_what_a_focal_point_did(
        auth: AuthActions, chat: Callable[..., Chat], demo_db: Database) -> None:
    """A focal point's view and change appear, filtered by user and by reference."""
    person = chat("sms", "+38349400001")
    person.replay(HAZARD_BY_SMS)
    [reference] = references(person)
    auth.login("focal.drenas@example.org")
    auth.client.get(f"/reports/{reference}")
    auth.post(f"/reports/{reference}/status", {"status": "acknowledged"})
    auth.post("/logout", {})
    auth.login()
    with demo_db.session() as session:
        focal = session.scalars(select(User.id).where(
            User.email == "focal.drenas@example.org")).one()
    page = rows(auth, f"/audit/?user={focal}")
    assert "focal.drenas@example.org" in page and ">view<" in page and ">status<" in page
    assert ">login<" in page
    by_reference = rows(auth, f"/audit/?reference={reference.lower()}")
    assert ">view<" in by_reference and ">login<" not in by_reference
    assert "admin@example.org" not in by_reference


def test_only_admins_read_the_log(auth: AuthActions) -> None:
    """A coordinator gets 403; signed out, the sign-in page."""
    assert auth.client.get("/audit/").status_code == 302
    auth.login("prizren@example.org")
    assert auth.client.get("/audit/").status_code == 403
