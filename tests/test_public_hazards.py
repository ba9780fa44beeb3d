"""The public page of hazards over HTTP: nothing private in any response, filters, "me too"."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import AuditEntry, Municipality, Report, User
from models.db import Database
from tests.conftest import AuthActions
from tests.fake_telegram import PHOTO_BYTES
from tests.public_data import (
    APPROVED,
    CHILD_WORDS,
    DROPOUT_PUPIL,
    PRIVATE_WORDS,
    SECRETS,
    Seeded,
    seed_public,
)

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def shown(client: FlaskClient, path: str, status: int = 200) -> str:
    """GET a public path; assert its status and that no secret is in it; return its body."""
    response = client.get(path)
    assert response.status_code == status, path
    body = response.get_data(as_text=True)
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    leaked = [s for s in (*SECRETS, PRIVATE_WORDS, CHILD_WORDS) if s in body or s in headers]
    assert leaked == [], (path, leaked)
    return body


def everything_public(client: FlaskClient, seeded: Seeded) -> list[str]:
    """Visit the page in each language and filter, and every photo and point link on it."""
    pages = [shown(client, f"/hazards?lang={code}") for code in ("sq", "sr", "en")]
    pages.append(shown(client, "/hazards?category=open_pit&municipality=abc"))
    for reference in (seeded.child, seeded.dropout, seeded.plain, seeded.stale):
        for photo in (seeded.public_photo, seeded.private_photo):
            shown(client, f"/hazards/{reference}/photos/{photo}", 404)
    return pages


def test_nothing_private_in_any_public_response(dashboard: Flask, demo_db: Database) -> None:
    """Only public hazards, with only approved text and photos; no reporter anywhere."""
    seeded = seed_public(demo_db)
    client = dashboard.test_client()
    pages = everything_public(client, seeded)
    page = pages[0]
    for hidden in (seeded.child, seeded.dropout, seeded.stale, seeded.duplicate,
                   seeded.simulated):
        assert all(hidden not in p for p in pages), hidden
    assert f'id="{seeded.approved}"' in page and f'id="{seeded.plain}"' in page
    assert APPROVED in page and DROPOUT_PUPIL + "<" not in page
    assert page.count('class="public-description"') == 1, "the unapproved one has none"
    photos = re.findall(r'src="(/hazards/[^"]+/photos/\d+)"', page)
    assert photos == [f"/hazards/{seeded.approved}/photos/{seeded.public_photo}"]
    served = client.get(photos[0])
    assert served.status_code == 200 and served.data == PHOTO_BYTES
    assert served.headers["Cache-Control"] == "public, max-age=300"
    assert "Qen endacakë" in page and "Gropë ose pusetë e pambuluar" in page, "sq by default"
    assert "Komoran, Drenas" in page
    serbian = pages[1]
    assert "Komoran, Glogovac" in serbian and 'lang="sr"' in serbian
    assert "Psi lutalice" in serbian
    assert "Resolved by the responsible office" in pages[2]
    response = client.get("/hazards")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response.headers["Vary"]
    assert "http://" not in re.sub(r'xmlns="http://www.w3.org/2000/svg"', "", page)
    assert "<script" not in page


def test_the_map_draws_boundaries_and_points(dashboard: Flask, demo_db: Database) -> None:
    """The SVG map draws the shipped boundaries, and the filters narrow list and map."""
    seeded = seed_public(demo_db)
    client = dashboard.test_client()
    page = shown(client, "/hazards")
    assert page.count('class="boundary"') >= 30, "every Kosovo municipality is outlined"
    assert page.count('class="hazard-dot"') == 3
    with demo_db.session() as session:
        prizren = session.scalar(select(Municipality.id).where(
            Municipality.name_sq == "Prizren"))
    narrowed = shown(client, f"/hazards?municipality={prizren}")
    assert narrowed.count('class="boundary"') == 1
    assert f'id="{seeded.plain}"' in narrowed and f'id="{seeded.approved}"' not in narrowed
    by_kind = shown(client, "/hazards?category=stray_dogs")
    assert f'id="{seeded.plain}"' in by_kind and f'id="{seeded.resolved}"' not in by_kind
    none = shown(client, f"/hazards?municipality={prizren}&category=open_pit")
    assert 'id="no-hazards"' in none


def press(client: FlaskClient, reference: str) -> tuple[int, str]:
    """Press "me too" on a hazard as the page's form does; return the status and next page."""
    token = TOKEN.search(client.get("/hazards").get_data(as_text=True))
    assert token
    response = client.post(f"/hazards/{reference}/me-too?lang=en",
                           data={"csrf_token": token.group(1)})
    answered = response.get_data(as_text=True) + " ".join(response.headers.values())
    assert [s for s in SECRETS if s in answered] == []
    if response.status_code != 302:
        return response.status_code, ""
    assert response.headers["Location"].endswith(f"/hazards?lang=en#{reference}")
    return 302, shown(client, "/hazards?lang=en")


def test_me_too_once_per_browser_and_only_for_public_hazards(dashboard: Flask,
                                                             demo_db: Database) -> None:
    """The count goes up by one; a second press is thanked and not counted; no identity."""
    seeded = seed_public(demo_db)
    client = dashboard.test_client()
    status, page = press(client, seeded.plain)
    assert status == 302
    assert "Thank you. 1 person has said that this hazard concerns them too." in page
    assert "You said this concerns you too." in page.split(f'id="{seeded.plain}"')[1]
    cookie = client.get_cookie("me_too", path="/hazards")
    assert cookie is not None and cookie.value == seeded.plain
    status, page = press(client, seeded.plain)
    assert status == 302 and "You have already said that this hazard concerns you too." in page
    with demo_db.session() as session:
        counts = dict(session.execute(select(Report.reference, Report.me_too)).all())
    assert counts[seeded.plain] == 1 and counts[seeded.approved] == 2
    status, page = press(client, seeded.approved)
    assert "Thank you. 4 people have said that this hazard concerns them too." in page
    assert client.get_cookie("me_too", path="/hazards").value == (  # type: ignore[union-attr]
        f"{seeded.plain}.{seeded.approved}")
    with demo_db.session() as session:
        assert session.scalar(select(Report.me_too).where(
            Report.reference == seeded.approved)) == 3
    for hidden in (seeded.child, seeded.dropout, seeded.stale, "NOSUCH"):
        assert press(client, hidden)[0] == 404, hidden
    no_token = client.post(f"/hazards/{seeded.plain}/me-too")
    assert no_token.status_code == 400


def test_publishing_from_the_case_page(auth: AuthActions, demo_db: Database) -> None:
    """Staff publish and withdraw the text and a photo; each is on the timeline and audited."""
    seeded = seed_public(demo_db)
    case = f"/reports/{seeded.plain}"
    public = auth.client.application.test_client()
    auth.login()
    page = auth.client.get(case).get_data(as_text=True)
    assert "Pusa e hapur" in page.split('name="description"')[1][:400], "prefilled"
    written = "Qen endacakë pranë parkut, në mëngjes."
    auth.post(f"{case}/public/description", {"description": written}, page=case)
    assert written in shown(public, "/hazards")
    with demo_db.session() as session:
        approved = session.execute(select(Report.public_approved_by, User.email).join(
            User, User.id == Report.public_approved_by).where(
            Report.reference == seeded.plain)).one()
    assert approved.email == "admin@example.org"
    auth.post(f"{case}/public/photos/{seeded.private_photo}", {"publish": "1"}, page=case)
    assert f"/photos/{seeded.private_photo}" in shown(public, "/hazards")
    auth.post(f"{case}/public/photos/{seeded.private_photo}", {"publish": "0"}, page=case)
    auth.post(f"{case}/public/withdraw", {}, page=case)
    after = shown(public, "/hazards")
    assert written not in after and f"/photos/{seeded.private_photo}" not in after
    timeline = auth.client.get(case).get_data(as_text=True)
    kinds = re.findall(r'data-kind="(\w+)"', timeline)
    assert kinds[-4:] == ["published", "photo_published", "photo_withdrawn", "unpublished"]
    with demo_db.session() as session:
        audited = session.execute(select(AuditEntry.action, AuditEntry.detail).join(
            Report, Report.id == AuditEntry.report_id).where(
            Report.reference == seeded.plain, AuditEntry.action != "view")
            .order_by(AuditEntry.id)).all()
    photo = {"attachment": seeded.private_photo}
    assert [tuple(row) for row in audited] == [("publish", {}), ("publish", photo),
                                               ("withdraw", photo), ("withdraw", {})]


def test_only_those_holding_the_hazard_may_publish(auth: AuthActions, demo_db: Database) -> None:
    """Another municipality's focal point or coordinator gets 403; no child report is
    publishable; the focal point holding the hazard withdraws its text."""
    seeded = seed_public(demo_db)
    case = f"/reports/{seeded.approved}"
    for outsider in ("focal.prizren@example.org", "prizren@example.org"):
        refused_all(auth, outsider, case, seeded)
    auth.login()  # even an admin cannot publish a child at risk or a dropout
    token = auth.token("/hazards")
    for private in (seeded.child, seeded.dropout):
        refused = auth.client.post(f"/reports/{private}/public/description",
                                   data={"description": "X", "csrf_token": token})
        assert refused.status_code == 404, private
        page = auth.client.get(f"/reports/{private}").get_data(as_text=True)
        assert 'id="publish-form"' not in page
    auth.post("/logout", {}, page="/hazards")
    auth.login("focal.drenas@example.org")
    assert "Pusa e hapur" in auth.client.get(case).get_data(as_text=True)
    done = auth.post(f"{case}/public/withdraw", {}, page=case)
    assert done.status_code == 302
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == seeded.approved)).one()
        assert report.public_description is report.public_approved_by is None


def refused_all(auth: AuthActions, email: str, case: str, seeded: Seeded) -> None:
    """Sign in as someone of another municipality: every publication action is a 403."""
    auth.login(email)
    token = auth.token("/hazards")
    for path, data in ((f"{case}/public/description", {"description": "X"}),
                       (f"{case}/public/withdraw", {}),
                       (f"{case}/public/photos/{seeded.public_photo}", {"publish": "0"})):
        refused = auth.client.post(path, data={**data, "csrf_token": token})
        assert refused.status_code == 403, (email, path)
    auth.post("/logout", {}, page="/hazards")
