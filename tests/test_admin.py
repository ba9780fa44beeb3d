"""Administration: contact points, schools and teachers, imports, rules, within each one's scope."""

from __future__ import annotations

import io

from sqlalchemy import select

from models import ContactPoint, LinkCode, Municipality, RoutingRule, School, Teacher
from models.db import Database
from tests.conftest import AuthActions


def ids(db: Database, name: str) -> int:
    """Return a municipality's id."""
    with db.session() as session:
        return session.scalars(select(Municipality.id).where(Municipality.name_sq == name)).one()


def point_named(db: Database, name: str) -> ContactPoint | None:
    """Return a contact point by name."""
    with db.session() as session:
        return session.scalars(select(ContactPoint).where(ContactPoint.name == name)).first()


def test_admin_adds_edits_and_deactivates_a_contact_point(auth: AuthActions,
                                                          demo_db: Database) -> None:
    """A new point is stored with its phone in E.164; deactivated, it stays listed as inactive."""
    auth.login()
    form = {"name": "Qendra për Punë Sociale Drenas", "role": "child_protection",
            "municipality": str(ids(demo_db, "Drenas")), "phone": "044 123 456",
            "escalation_order": "2", "language": "sq"}
    assert auth.post("/admin/points/new", form, page="/admin/points/new").status_code == 302
    point = point_named(demo_db, form["name"])
    assert point is not None and point.phone == "+38344123456"
    assert point.updated_by == "dashboard:admin@example.org"
    auth.post(f"/admin/points/{point.id}", {**form, "phone": "not a phone"},
              page=f"/admin/points/{point.id}")
    assert point_named(demo_db, form["name"]).phone == "+38344123456"  # type: ignore[union-attr]
    auth.post(f"/admin/points/{point.id}/toggle", {}, page="/admin/points")
    assert not point_named(demo_db, form["name"]).active  # type: ignore[union-attr]
    assert "inactive" in auth.client.get("/admin/points").get_data(as_text=True)


def test_link_code_is_shown_once_made(auth: AuthActions, demo_db: Database) -> None:
    """The button makes a one-time code for the point and shows it."""
    auth.login()
    point = point_named(demo_db, "Demo: Drenas child protection")
    assert point is not None
    page = auth.post(f"/admin/points/{point.id}/code", {}, page=f"/admin/points/{point.id}")
    with demo_db.session() as session:
        code = session.scalars(select(LinkCode.code).where(
            LinkCode.contact_point_id == point.id)).one()
    assert code in page.get_data(as_text=True)


def test_coordinator_stays_in_the_municipality(auth: AuthActions, demo_db: Database) -> None:
    """Prizren's coordinator sees Prizren's points only and cannot touch Drenas' or import there."""
    drenas = point_named(demo_db, "Demo: Drenas child protection")
    assert drenas is not None
    auth.login("prizren@example.org")
    listing = auth.client.get("/admin/points").get_data(as_text=True)
    assert "Prizren" in listing and "Drenas" not in listing
    assert auth.client.get(f"/admin/points/{drenas.id}").status_code == 404
    assert auth.post(f"/admin/points/{drenas.id}/toggle", {}, page="/admin/points"
                     ).status_code == 404
    with demo_db.session() as session:
        school = session.scalars(select(School).join(Municipality).where(
            Municipality.name_sq == "Drenas")).first()
        assert school is not None
    upload = f"phone,name,school_code\n+38344777111,Mësuese e Re,{school.code}\n"
    page = auth.client.post("/admin/import/teachers", data={
        "csrf_token": auth.token("/admin/import/teachers"),
        "file": (io.BytesIO(upload.encode()), "teachers.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "another municipality" in page
    with demo_db.session() as session:
        assert session.scalar(select(Teacher.id).where(Teacher.phone == "+38344777111")) is None
    assert auth.client.get("/admin/rules").status_code == 403


def test_school_import_reports_bad_rows_and_keeps_good_ones(auth: AuthActions,
                                                            demo_db: Database) -> None:
    """One row naming no municipality is listed; the other school is imported."""
    auth.login()
    upload = "code,name,municipality\nS-900,Shkolla e Re,Drenas\nS-901,Shkolla Tjetër,Atlantis\n"
    page = auth.client.post("/admin/import/schools", data={
        "csrf_token": auth.token("/admin/import/schools"),
        "file": (io.BytesIO(upload.encode()), "schools.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "line 3" in page and "Atlantis" in page
    with demo_db.session() as session:
        codes = set(session.scalars(select(School.code).where(School.code.like("S-90%"))))
    assert codes == {"S-900"}


def test_rules_and_deadlines_for_admins(auth: AuthActions, demo_db: Database) -> None:
    """An admin adds a routing rule and removes it; the deadlines page names their file."""
    auth.login()
    auth.post("/admin/rules", {"kind": "hazard", "category": "school_area",
                               "roles": "education"}, page="/admin/rules")
    with demo_db.session() as session:
        rule = session.scalars(select(RoutingRule)).one()
    assert rule.roles == "education"
    auth.post("/admin/rules", {"remove": str(rule.id)}, page="/admin/rules")
    with demo_db.session() as session:
        assert session.scalars(select(RoutingRule)).first() is None
    assert "deadlines.toml" in auth.client.get("/admin/deadlines").get_data(as_text=True)


def test_focal_points_and_forged_posts_are_refused(auth: AuthActions) -> None:
    """A focal point gets 403; a post without its token is 400."""
    auth.login("focal.drenas@example.org")
    assert auth.client.get("/admin/").status_code == 403
    assert auth.client.get("/admin/points").status_code == 403
    auth.post("/logout", {})
    auth.login()
    assert auth.client.post("/admin/points/new", data={"name": "x"}).status_code == 400


def test_schools_and_teachers_are_edited_in_scope(auth: AuthActions, demo_db: Database) -> None:
    """Prizren's coordinator renames a Prizren school and moves a teacher's number; not Drenas'."""
    with demo_db.session() as session:
        mine = session.scalars(select(School).join(Municipality).where(
            Municipality.name_sq == "Prizren")).first()
        theirs = session.scalars(select(School).join(Municipality).where(
            Municipality.name_sq == "Drenas")).first()
        teacher = session.scalars(select(Teacher).where(Teacher.school_id == mine.id)
                                  ).first() if mine else None
    assert mine is not None and theirs is not None and teacher is not None
    auth.login("prizren@example.org")
    auth.post(f"/admin/schools/{mine.id}", {"code": mine.code, "name": "Shkolla Lidhja",
                                            "municipality": str(mine.municipality_id)},
              page=f"/admin/schools/{mine.id}")
    auth.post(f"/admin/teachers/{teacher.id}", {"name": teacher.name, "phone": "049 555 666",
                                                "school": str(mine.id)},
              page=f"/admin/teachers/{teacher.id}")
    assert auth.client.get(f"/admin/schools/{theirs.id}").status_code == 404
    with demo_db.session() as session:
        assert session.get(School, mine.id).name == "Shkolla Lidhja"  # type: ignore[union-attr]
        assert session.get(Teacher, teacher.id).phone == "+38349555666"  # type: ignore[union-attr]
