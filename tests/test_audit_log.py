"""The audit log page: admins read and filter it, newest first; nobody else may."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models import AuditEntry, User
from models.db import Database
from tests.conftest import AuthActions
from tests.dialog import Chat, references
from tests.test_dialogs import HAZARD_BY_SMS


def rows(auth: AuthActions, path: str) -> str:
    """Return the HTML of the log table's rows on a page."""
    response = auth.client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]


def did(action: str) -> str:
    """Return how the log's table marks a row of one action (its words are translated)."""
    return f'data-action="{action}"'


def user_id(db: Database, email: str) -> int:
    """Return a dashboard user's id."""
    with db.session() as session:
        return session.scalars(select(User.id).where(User.email == email)).one()


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
    focal = user_id(demo_db, "focal.drenas@example.org")

    page = rows(auth, f"/audit/?user={focal}")
    assert "focal.drenas@example.org" in page and "admin@example.org" not in page
    assert did("view") in page and did("status") in page and did("login") in page
    assert f'href="/reports/{reference}"' in page
    assert "gjendja e re: i marrë përsipër nga zyra përgjegjëse" in page
    # Newest first: the change comes above the view, the view above the sign-in.
    assert page.index(did("status")) < page.index(did("view")) < page.index(did("login"))

    by_reference = rows(auth, f"/audit/?reference={reference.lower()}")
    assert did("view") in by_reference and did("status") in by_reference
    assert did("login") not in by_reference and "admin@example.org" not in by_reference
    only_status = rows(auth, f"/audit/?reference={reference}&action=status")
    assert did("status") in only_status and did("view") not in only_status


def test_reading_the_log_is_logged(auth: AuthActions) -> None:
    """Each look at the log is an "audit" entry with the filters used."""
    auth.login()
    auth.client.get("/audit/?action=login")
    page = rows(auth, "/audit/?action=audit")
    assert "admin@example.org" in page and did("audit") in page
    assert "filtrat · veprimi: hyri në panel" in page


def test_dates_and_pages_of_a_long_log(auth: AuthActions, demo_db: Database) -> None:
    """A hundred entries a page, then older ones by the link; dates narrow the list."""
    admin = user_id(demo_db, "admin@example.org")
    long_ago = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
    with demo_db.transaction() as session:
        # Pairs share a moment, so paging must tell them apart by id.
        session.add_all(AuditEntry(at=long_ago - timedelta(minutes=n // 2), user_id=admin,
                                   action="export", detail={"n": n}) for n in range(150))
    auth.login()
    first = auth.client.get("/audit/?action=export").get_data(as_text=True)
    older = re.search(r'rel="next" href="([^"]+)"', first)
    assert older, "a link to older entries"
    second = auth.client.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 'rel="next"' not in second
    numbered = re.compile(r'class="detail">n: (\d+)<')
    seen = [int(n) for page in (first, second) for n in numbered.findall(page)]
    assert sorted(seen) == list(range(150))  # each once, none lost between the pages
    assert seen[:4] == [1, 0, 3, 2]  # newest first; within a moment, the later entry first
    assert len(re.findall(r'class="detail">n: ', first)) == 100

    march = rows(auth, "/audit/?action=export&from=2024-03-10&to=2024-03-10")
    assert march.count(did("export")) == 100  # the page is full; all 150 are on that day
    assert did("export") not in rows(auth, "/audit/?action=export&from=2024-03-11")
    with demo_db.session() as session:
        assert session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "audit")) == 4


def test_only_admins_read_the_log(auth: AuthActions) -> None:
    """A coordinator gets 403; signed out, the sign-in page."""
    assert auth.client.get("/audit/").status_code == 302
    auth.login("prizren@example.org")
    assert auth.client.get("/audit/").status_code == 403
