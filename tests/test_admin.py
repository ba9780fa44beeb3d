"""Administration: contact points, schools and teachers, imports, rules, within each one's scope."""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import select

from models import AuditEntry, ContactPoint, LinkCode, Municipality, RoutingRule, School, Teacher
from models.db import Database
from service.routes import route_report
from tests.conftest import AuthActions


def town(db: Database, name: str) -> int:
    """Return a municipality's id."""
    with db.session() as session:
        return session.scalars(select(Municipality.id).where(Municipality.name_sq == name)).one()


def point_named(db: Database, name: str) -> ContactPoint:
    """Return a contact point by name."""
    with db.session() as session:
        return session.scalars(select(ContactPoint).where(ContactPoint.name == name)).one()


def school_of(db: Database, name: str) -> School:
    """Return the demo school of a municipality."""
    with db.session() as session:
        return session.scalars(select(School).join(Municipality).where(
            Municipality.name_sq == name)).one()


def alerted(db: Database, municipality: str) -> set[int]:
    """Return the contact points a non-urgent child-at-risk report there would alert."""
    with db.session() as session:
        routing = route_report(session, "child_at_risk", "neglect", False, town(db, municipality),
                               None, "sq")
    return {i for target in routing.targets for i in target.contact_point_ids}


def upload(auth: AuthActions, kind: str, csv_text: str) -> str:
    """Upload a CSV file on an import page, as the form does; return the page."""
    page = f"/admin/import/{kind}"
    data: dict[str, Any] = {"csrf_token": auth.token(page),
                            "file": (io.BytesIO(csv_text.encode()), f"{kind}.csv")}
    answer = auth.client.post(page, data=data, content_type="multipart/form-data")
    assert answer.status_code == 200
    return str(answer.get_data(as_text=True))


def test_admin_adds_edits_and_deactivates_a_contact_point(auth: AuthActions,
                                                          demo_db: Database) -> None:
    """A new point is stored in E.164 and alerted; a bad phone is refused; inactive, not alerted."""
    auth.login()
    form = {"name": "QPS Drenas, kujdestari", "role": "child_protection",
            "municipality": str(town(demo_db, "Drenas")), "phone": "044 123 456",
            "escalation_order": "1", "language": "sq", "note": "natën"}
    assert auth.post("/admin/points/new", form, page="/admin/points/new").status_code == 302
    point = point_named(demo_db, form["name"])
    assert point.phone == "+38344123456" and point.active
    assert point.updated_by == "dashboard:admin@example.org"
    assert point.id in alerted(demo_db, "Drenas")

    refused = auth.post(f"/admin/points/{point.id}", {**form, "phone": "12"},
                        page=f"/admin/points/{point.id}").get_data(as_text=True)
    assert 'class="flash error"' in refused and "is not a valid phone number" in refused
    assert point_named(demo_db, form["name"]).phone == "+38344123456"
    auth.post(f"/admin/points/{point.id}", {**form, "phone": "+355 69 123 4567"},
              page=f"/admin/points/{point.id}")
    assert point_named(demo_db, form["name"]).phone == "+355691234567"

    auth.post(f"/admin/points/{point.id}/toggle", {}, page="/admin/points")
    assert not point_named(demo_db, form["name"]).active
    assert point.id not in alerted(demo_db, "Drenas")
    listing = auth.client.get("/admin/points").get_data(as_text=True)
    assert f'<tr class="inactive" data-point="{point.id}">' in listing
    with demo_db.session() as session:
        changes = [e.detail.get("change") for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "admin"))]
    assert changes == ["contact point saved", "contact point saved", "deactivated"]


def test_link_code_is_made_and_shown(auth: AuthActions, demo_db: Database) -> None:
    """The button makes a one-time code for the point and shows it with the command to send."""
    auth.login("prizren@example.org")
    point = point_named(demo_db, "Demo: Prizren child protection")
    page = auth.post(f"/admin/points/{point.id}/code", {},
                     page=f"/admin/points/{point.id}").get_data(as_text=True)
    with demo_db.session() as session:
        code = session.scalars(select(LinkCode).where(
            LinkCode.contact_point_id == point.id)).one()
    assert f"/lidh {code.code}" in page and 'id="link-code"' in page
    assert code.expires_at > code.created_at
    drenas = point_named(demo_db, "Demo: Drenas child protection")
    assert auth.post(f"/admin/points/{drenas.id}/code", {},
                     page=f"/admin/points/{point.id}").status_code == 404


def test_coordinator_stays_in_the_municipality(auth: AuthActions, demo_db: Database) -> None:
    """Prizren's coordinator sees and edits Prizren's points only, and no rules or deadlines."""
    drenas = point_named(demo_db, "Demo: Drenas child protection")
    mine = point_named(demo_db, "Demo: Prizren police liaison")
    auth.login("prizren@example.org")
    listing = auth.client.get("/admin/points").get_data(as_text=True)
    assert "Demo: Prizren" in listing and "Demo: Drenas" not in listing
    assert "Demo: national" not in listing
    assert auth.client.get(f"/admin/points/{drenas.id}").status_code == 404
    assert auth.post(f"/admin/points/{drenas.id}/toggle", {}, page="/admin/points"
                     ).status_code == 404
    moved = {"name": mine.name, "role": mine.role, "phone": mine.phone or "",
             "municipality": str(town(demo_db, "Drenas")), "escalation_order": "1"}
    assert auth.post(f"/admin/points/{mine.id}", moved, page="/admin/points").status_code == 404
    assert point_named(demo_db, mine.name).municipality_id == town(demo_db, "Prizren")
    assert auth.client.get("/admin/rules").status_code == 403
    assert auth.client.get("/admin/deadlines").status_code == 403


def test_coordinator_imports_only_own_rows(auth: AuthActions, demo_db: Database) -> None:
    """A teacher for a Drenas school is refused by line; the Prizren teacher is imported."""
    drenas, prizren = school_of(demo_db, "Drenas"), school_of(demo_db, "Prizren")
    auth.login("prizren@example.org")
    page = upload(auth, "teachers", "phone,name,school_code\n"
                  f"044 777 111,Mësuese e Re,{drenas.code}\n"
                  f"044 777 222,Mësues i Ri,{prizren.code}\n")
    assert 'data-line="2"' in page and 'data-line="3"' not in page
    assert 'data-added="1"' in page and 'data-refused="1"' in page
    with demo_db.session() as session:
        phones = set(session.scalars(select(Teacher.phone).where(
            Teacher.phone.in_(["+38344777111", "+38344777222"]))))
    assert phones == {"+38344777222"}

    page = upload(auth, "schools", f"code,name,municipality\n{drenas.code},Rrëmbyer,Prizren\n")
    assert 'data-line="2"' in page and school_of(demo_db, "Drenas").name == drenas.name
    page = upload(auth, "contact-points", "name,role,municipality,phone\n"
                  "Zyra qendrore,national,,044 777 333\n")
    assert 'data-line="2"' in page and 'data-added="0"' in page


def test_school_import_reports_bad_rows_and_keeps_good_ones(auth: AuthActions,
                                                            demo_db: Database) -> None:
    """A row naming no known municipality is listed with a suggestion; the other is imported."""
    auth.login()
    page = upload(auth, "schools", "code,name,municipality\nS-900,Shkolla e Re,Drenas\n"
                  "S-901,Shkolla Tjetër,Prizrenn\n")
    assert 'data-line="3"' in page and "Prizrenn" in page and "Prizren?" in page
    assert 'data-added="1"' in page
    with demo_db.session() as session:
        codes = set(session.scalars(select(School.code).where(School.code.like("S-90%"))))
    assert codes == {"S-900"}


def test_rules_and_deadlines_for_admins(auth: AuthActions, demo_db: Database) -> None:
    """An admin adds a routing rule, sees its effect, removes it; deadlines name their file."""
    auth.login()
    drenas = str(town(demo_db, "Drenas"))
    auth.post("/admin/rules", {"kind": "hazard", "category": "stray_dogs", "urgent": "",
                               "municipality": drenas, "roles": "education"},
              page="/admin/rules")
    with demo_db.session() as session:
        rule = session.scalars(select(RoutingRule)).one()
    assert (rule.roles, rule.category, rule.urgent) == ("education", "stray_dogs", None)
    trial = auth.client.get(f"/admin/rules?kind=hazard&category=stray_dogs&urgent=no"
                            f"&municipality={drenas}").get_data(as_text=True)
    elsewhere = auth.client.get("/admin/rules?kind=hazard&category=stray_dogs&urgent=no"
                                ).get_data(as_text=True)
    assert trial.split('id="trial-roles"')[1] != elsewhere.split('id="trial-roles"')[1]
    auth.post("/admin/rules", {"kind": "hazard", "category": "violence", "roles": "education"},
              page="/admin/rules")
    auth.post("/admin/rules", {"remove": str(rule.id)}, page="/admin/rules")
    with demo_db.session() as session:
        assert session.scalars(select(RoutingRule)).first() is None
        removed = session.scalars(select(AuditEntry).where(AuditEntry.action == "admin")
                                  .order_by(AuditEntry.id.desc())).first()
    assert removed is not None and removed.detail["roles"] == "education"
    page = auth.client.get("/admin/deadlines").get_data(as_text=True)
    assert "deadlines.toml" in page and 'data-kind="child_at_risk"' in page


def test_focal_points_are_refused_and_forged_posts_too(auth: AuthActions,
                                                       demo_db: Database) -> None:
    """A focal point gets 403 on every page; a post without its token is 400."""
    point = point_named(demo_db, "Demo: Drenas child protection")
    auth.login("focal.drenas@example.org")
    for path in ("/admin/", "/admin/points", f"/admin/points/{point.id}", "/admin/schools",
                 "/admin/import/schools", "/admin/rules", "/admin/deadlines"):
        assert auth.client.get(path).status_code == 403, path
    assert auth.post(f"/admin/points/{point.id}/code", {}).status_code == 403
    auth.post("/logout", {})
    auth.login()
    assert auth.client.post("/admin/points/new", data={"name": "x"}).status_code == 400


def test_schools_and_teachers_are_edited_in_scope(auth: AuthActions, demo_db: Database) -> None:
    """Prizren's coordinator renames a Prizren school and a teacher's number; not Drenas'."""
    mine, theirs = school_of(demo_db, "Prizren"), school_of(demo_db, "Drenas")
    with demo_db.session() as session:
        teacher = session.scalars(select(Teacher).where(Teacher.school_id == mine.id)).one()
    auth.login("prizren@example.org")
    auth.post(f"/admin/schools/{mine.id}", {"code": mine.code, "name": "Shkolla Lidhja",
                                            "municipality": str(mine.municipality_id)},
              page=f"/admin/schools/{mine.id}")
    auth.post(f"/admin/teachers/{teacher.id}", {"name": teacher.name, "phone": "049 555 666",
                                                "school": str(mine.id)},
              page=f"/admin/teachers/{teacher.id}")
    assert auth.client.get(f"/admin/schools/{theirs.id}").status_code == 404
    assert auth.post(f"/admin/teacher/{teacher.id}/toggle", {}, page="/admin/schools"
                     ).status_code == 302
    with demo_db.session() as session:
        school, edited = session.get(School, mine.id), session.get(Teacher, teacher.id)
        assert school is not None and school.name == "Shkolla Lidhja"
        assert edited is not None and edited.phone == "+38349555666" and not edited.active
