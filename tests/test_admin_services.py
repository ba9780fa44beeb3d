"""The service directory in the dashboard: add, edit, deactivate, import, within one's scope."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from models import AuditEntry
from models.db import Database
from models.services import Service
from tests.conftest import AuthActions
from tests.service_data import load_services
from tests.test_admin import town, upload


def service_named(db: Database, name: str) -> Service:
    """Return a service by name."""
    with db.session() as session:
        return session.scalars(select(Service).where(Service.name == name)).one()


def form(db: Database, **changes: str) -> dict[str, str]:
    """Return a filled service form (needs and languages as the first checked box)."""
    return {"name": "Qendra Sociale Prizren", "provider": "Komuna e Prizrenit",
            "municipality": str(town(db, "Prizren")), "needs": "psychosocial",
            "phone": "029 123 456", "email": "", "address": "Rr. e Shkronjave 1",
            "hours": "08:00–16:00", "languages": "sq", "note": "", **changes}


def test_coordinator_adds_edits_and_deactivates(auth: AuthActions, demo_db: Database) -> None:
    """Prizren's coordinator adds a service (phone in E.164), fixes it, switches it off."""
    auth.login("prizren@example.org")
    assert auth.post("/admin/services/new", form(demo_db), page="/admin/services/new"
                     ).status_code == 302
    service = service_named(demo_db, "Qendra Sociale Prizren")
    assert service.phone == "+38329123456" and service.needs == ["psychosocial"]
    assert service.updated_by == "dashboard:prizren@example.org" and service.active

    page = f"/admin/services/{service.id}"
    refused = auth.post(page, form(demo_db, needs=""), page=page).get_data(as_text=True)
    assert 'class="flash error"' in refused and "needs is empty" in refused
    refused = auth.post(page, form(demo_db, phone="", address=""), page=page)
    assert "nobody could reach the service" in refused.get_data(as_text=True)
    auth.post(page, form(demo_db, hours="E hënë–e premte 08:00–15:00"), page=page)
    assert service_named(demo_db, service.name).hours == "E hënë–e premte 08:00–15:00"

    auth.post(f"/admin/services/{service.id}/toggle", {}, page="/admin/services")
    assert not service_named(demo_db, service.name).active
    listing = auth.client.get("/admin/services").get_data(as_text=True)
    assert f'<tr class="inactive" data-service="{service.id}">' in listing
    with demo_db.session() as session:
        changes = [e.detail.get("change") for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "admin").order_by(AuditEntry.id))]
    assert changes == ["service saved", "service saved", "service deactivated"]


def test_coordinator_cannot_see_or_touch_another_municipality(
        auth: AuthActions, demo_db: Database, tmp_path: Path) -> None:
    """Drenas' services do not exist for Prizren's coordinator: 404 to view, edit, toggle."""
    load_services(demo_db, tmp_path)
    drenas = service_named(demo_db, "Qendra Labirinti")
    auth.login("prizren@example.org")
    listing = auth.client.get("/admin/services").get_data(as_text=True)
    assert "Qendra Labirinti" not in listing and "Strehimorja" not in listing
    assert auth.client.get(f"/admin/services/{drenas.id}").status_code == 404
    assert auth.post(f"/admin/services/{drenas.id}", form(demo_db), page="/admin/services"
                     ).status_code == 404
    assert auth.post(f"/admin/services/{drenas.id}/toggle", {}, page="/admin/services"
                     ).status_code == 404
    elsewhere = form(demo_db, name="Rrëmbyer", municipality=str(town(demo_db, "Drenas")))
    assert auth.post("/admin/services/new", elsewhere, page="/admin/services/new"
                     ).status_code == 404
    after = service_named(demo_db, "Qendra Labirinti")
    assert after.active and after.name == drenas.name and after.updated_by == drenas.updated_by


def test_admin_sees_all_and_filters_by_need(auth: AuthActions, demo_db: Database,
                                            tmp_path: Path) -> None:
    """An admin lists every municipality's services, narrowed by municipality and need."""
    load_services(demo_db, tmp_path)
    auth.login()
    everything = auth.client.get("/admin/services").get_data(as_text=True)
    assert "Qendra Labirinti" in everything and "Strehimorja" in everything
    shelters = auth.client.get("/admin/services?need=shelter").get_data(as_text=True)
    assert "Strehimorja" in shelters and "Qendra Labirinti" not in shelters
    drenas = auth.client.get(f"/admin/services?municipality={town(demo_db, 'Drenas')}"
                             ).get_data(as_text=True)
    assert "Qendra Labirinti" in drenas and "Strehimorja" not in drenas


def test_a_name_is_taken_once_per_municipality(auth: AuthActions, demo_db: Database,
                                               tmp_path: Path) -> None:
    """A second service called the same (case aside) in one municipality is refused."""
    load_services(demo_db, tmp_path)
    auth.login()
    same = form(demo_db, name="qendra labirinti", municipality=str(town(demo_db, "Drenas")))
    page = auth.post("/admin/services/new", same, page="/admin/services/new")
    assert page.status_code == 200 and 'class="flash error"' in page.get_data(as_text=True)
    with demo_db.session() as session:
        assert len(session.scalars(select(Service)).all()) == 4


def test_coordinator_imports_only_own_municipality(auth: AuthActions,
                                                   demo_db: Database) -> None:
    """A coordinator's file: their rows are imported, another municipality's refused by line."""
    auth.login("prizren@example.org")
    csv_text = ("name,provider,municipality,needs,phone,address,hours,languages\n"
                "Qendra Prizren,QPS,Prizren,psychosocial,029 123 456,Rr. 1,8–16,sq;tr\n"
                "Qendra Drenas,QPS,Drenas,psychosocial,044 123 456,Rr. 2,8–16,sq\n"
                "Qendra pa nevoja,QPS,Prizren,,029 123 457,,,\n")
    page = upload(auth, "services", csv_text)
    assert 'data-added="1"' in page and 'data-refused="2"' in page
    assert 'data-line="3"' in page and 'data-line="4"' in page and "needs is empty" in page
    with demo_db.session() as session:
        names = set(session.scalars(select(Service.name)))
    assert names == {"Qendra Prizren"}
    assert service_named(demo_db, "Qendra Prizren").languages == ["sq", "tr"]


def test_focal_points_are_refused(auth: AuthActions, demo_db: Database, tmp_path: Path) -> None:
    """A focal point gets 403 on the directory's pages and its import."""
    load_services(demo_db, tmp_path)
    service = service_named(demo_db, "Qendra Labirinti")
    auth.login("focal.drenas@example.org")
    for path in ("/admin/services", f"/admin/services/{service.id}", "/admin/services/new",
                 "/admin/import/services"):
        assert auth.client.get(path).status_code == 403, path
