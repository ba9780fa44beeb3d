"""Open311 keys: issued by an admin (shown once, stored hashed), revoked, audited; the CLI too."""

from __future__ import annotations

import re

from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import select

from models import ApiClient, AuditEntry
from models.db import Database
from service.open311_clients import key_hash
from sinjalizo.cli import main
from tests.conftest import AuthActions

PAGE = "/admin/open311"
FORM = {"service_code": "dump", "lat": "42.6254", "long": "20.8934"}


def filed_with(api: FlaskClient, key: str) -> int:
    """Return the status of a POST with this key."""
    return api.post("/open311/v2/requests.json", data={**FORM, "api_key": key}).status_code


def test_an_admin_issues_and_revokes_a_key(auth: AuthActions, demo_db: Database) -> None:
    """The key is shown once, works, is stored only as its hash, and stops when revoked."""
    auth.login()
    issued = auth.post(PAGE, {"name": "  Lokalizo   Drenas "}, page=PAGE)
    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    found = re.search(r'id="issued-key".*?<strong class="code">(s311_[\w-]+)</strong>',
                      issued.get_data(as_text=True), re.S)
    assert found, issued.get_data(as_text=True)
    key = found.group(1)
    listing = auth.client.get(PAGE).get_data(as_text=True)
    assert "Lokalizo Drenas" in listing and key not in listing
    with demo_db.session() as session:
        client = session.scalars(select(ApiClient)).one()
        assert client.key_hash == key_hash(key) and key not in repr(vars(client))
        assert client.created_by is not None and client.last_used_at is None
    assert filed_with(auth.client, key) == 200
    assert auth.post(PAGE, {"name": "lokalizo drenas"}, page=PAGE).status_code == 302
    assert 'class="flash error"' in auth.client.get(PAGE).get_data(as_text=True)
    auth.post(PAGE, {"revoke": str(client.id)}, page=PAGE)
    assert filed_with(auth.client, key) == 403
    with demo_db.session() as session:
        used = session.get(ApiClient, client.id)
        assert used is not None and used.revoked_at is not None
        assert used.last_used_at is not None
        entries = [(e.user_id is not None, e.detail) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "admin").order_by(AuditEntry.id))]
    assert entries == [(True, {"change": "open311 key issued", "client": "Lokalizo Drenas"}),
                       (True, {"change": "open311 key revoked", "client": "Lokalizo Drenas"})]
    log = auth.client.get("/audit/").get_data(as_text=True)
    assert "Lokalizo Drenas" in log


def test_only_admins_manage_keys(auth: AuthActions, demo_db: Database) -> None:
    """Coordinators and focal points get 403; someone signed out is sent to sign in."""
    assert auth.client.get(PAGE).status_code == 302
    for email in ("prizren@example.org", "focal.drenas@example.org"):
        auth.login(email)
        assert auth.client.get(PAGE).status_code == 403
        assert auth.client.post(PAGE, data={"name": "X"}).status_code in (400, 403)
        auth.client.post("/logout", data={"csrf_token": auth.token("/reports")})
    with demo_db.session() as session:
        assert session.scalars(select(ApiClient)).all() == []


def test_the_page_speaks_serbian(auth: AuthActions) -> None:
    """The page's words are translated, like every admin page."""
    auth.login()
    auth.client.get("/language/sr?next=/admin/")
    page = auth.client.get(PAGE).get_data(as_text=True)
    assert "Open311" in page and "Issue a key" not in page


def test_the_command_line_issues_and_revokes(demo_db: Database, database_url: str) -> None:
    """`sinjalizo open311 issue NAME` prints the key once; `revoke NAME` stops it; audited."""
    runner = CliRunner()
    base = ["--database-url", database_url, "open311"]
    issued = runner.invoke(main, [*base, "issue", "Qyteti Im"])
    assert issued.exit_code == 0, issued.output
    key = issued.output.splitlines()[0]
    assert key.startswith("s311_")
    twice = runner.invoke(main, [*base, "issue", "qyteti im"])
    assert twice.exit_code != 0 and "already exists" in twice.output
    revoked = runner.invoke(main, [*base, "revoke", "QYTETI IM"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert runner.invoke(main, [*base, "revoke", "Askush"]).exit_code != 0
    with demo_db.session() as session:
        client = session.scalars(select(ApiClient)).one()
        assert client.revoked_at is not None and client.key_hash == key_hash(key)
        changes = [e.detail for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert changes == [
        {"change": "open311 key issued", "client": "Qyteti Im", "by": "command line"},
        {"change": "open311 key revoked", "client": "Qyteti Im", "by": "command line"}]
