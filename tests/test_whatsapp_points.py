"""Contact points alerted on WhatsApp: the admin form and the CSV's optional last column."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from models import ContactPoint
from models.db import Database
from models.imports import import_contact_points
from service.filing import delivery_address
from tests.conftest import AuthActions
from tests.test_admin import point_named, town

CSV = """\
name,role,municipality,school_code,phone,telegram_chat_id,email,escalation_order,language,country,whatsapp
QPS Drenas,child_protection,Drenas,,044 111 222,,,1,sq,,whatsapp:+383 44 111 333
Policia Drenas,police_liaison,Drenas,,,,,2,,,049 222 333
Ekipi EPRBM,dropout_team,Drenas,,,,eprbm@example.org,,sq,,
"""
OLD_CSV = """\
name,role,municipality,school_code,phone,telegram_chat_id,email,escalation_order,language
QPS Prizren,child_protection,Prizren,,044 111 444,,,1,sq
"""


def test_the_csv_takes_an_optional_whatsapp_column(db: Database, tmp_path: Path) -> None:
    """A WhatsApp number (any usual form) is stored E.164; files without the column still load."""
    path = tmp_path / "points.csv"
    path.write_text(CSV, encoding="utf-8")
    old = tmp_path / "old.csv"
    old.write_text(OLD_CSV, encoding="utf-8")
    with db.transaction() as session:
        result = import_contact_points(session, path)
        assert (result.added, result.errors) == (3, [])
        assert import_contact_points(session, old).added == 1
    with db.session() as session:
        points = {p.name: p for p in session.scalars(select(ContactPoint))}
        assert points["QPS Drenas"].whatsapp == "+38344111333"
        assert points["Policia Drenas"].whatsapp == "+38349222333"
        assert points["Ekipi EPRBM"].whatsapp is None and points["QPS Prizren"].whatsapp is None
        # WhatsApp before SMS, Telegram before both.
        assert delivery_address(points["QPS Drenas"]) == ("whatsapp", "+38344111333")
        assert delivery_address(points["QPS Prizren"]) == ("sms", "+38344111444")


def test_the_admin_form_saves_a_whatsapp_number(auth: AuthActions, demo_db: Database) -> None:
    """An admin gives a contact point a WhatsApp number; a wrong one is refused with the reason."""
    auth.login()
    form = {"name": "QPS Drenas, WhatsApp", "role": "child_protection",
            "municipality": str(town(demo_db, "Drenas")), "whatsapp": "044 123 456",
            "escalation_order": "1", "language": "sq"}
    assert auth.post("/admin/points/new", form, page="/admin/points/new").status_code == 302
    point = point_named(demo_db, form["name"])
    assert point.whatsapp == "+38344123456" and point.phone is None
    page = auth.client.get(f"/admin/points/{point.id}").get_data(as_text=True)
    assert 'name="whatsapp" value="+38344123456"' in page
    refused = auth.post(f"/admin/points/{point.id}", {**form, "whatsapp": "12"},
                        page=f"/admin/points/{point.id}").get_data(as_text=True)
    assert 'class="flash error"' in refused
    assert "WhatsApp" in auth.client.get("/admin/points").get_data(as_text=True)
