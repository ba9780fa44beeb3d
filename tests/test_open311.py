"""Open311 GeoReport v2 over HTTP: every resource in JSON and XML, checked against the shapes
of the spec's example responses; filing with a key; what must never be published."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from werkzeug.test import TestResponse

from handlers.categories import HAZARDS
from models import ApiClient, ContactPoint, Municipality, OutboxMessage, Report, ReportEvent
from models.db import Database
from service.open311_clients import issue
from tests.public_data import NOW, SECRETS, seed_public

FORMATS = ("json", "xml")
# The shapes of the spec's example responses (wiki.open311.org/GeoReport_v2): for each
# resource, the XML root, the element of each item, and the fields of an item, in order.
SERVICE = ("services", "service", ["service_code", "service_name", "description", "metadata",
                                   "type", "keywords", "group"])
REQUEST = ("service_requests", "request", [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
    "media_url"])
CREATED = ("service_requests", "request", ["service_request_id", "service_notice",
                                           "account_id"])
ERROR = ("errors", "error", ["code", "description"])
DISCOVERY = ("discovery", ["changeset", "contact", "key_service", "endpoints"],
             ("endpoints", "endpoint", ["specification", "url", "changeset", "type",
                                        "formats"]))
DRENAS = {"lat": "42.6254", "long": "20.8934"}
SUBMITTER = {"email": "drita.open311@example.org", "phone": "+38349880771",
             "first_name": "Dritonqa", "last_name": "Xhemajlaj-Open"}


def listed(response: TestResponse, fmt: str, shape: tuple[str, str, list[str]]
           ) -> list[dict[str, Any]]:
    """Parse a list answer, checking its root, item elements and fields against `shape`."""
    root, item, fields = shape
    body = response.get_data(as_text=True)
    if fmt == "json":
        assert response.content_type.startswith("application/json")
        items = json.loads(body)
        assert isinstance(items, list)
        for found in items:
            assert list(found) == fields
        return list(items)
    assert response.content_type.startswith("text/xml")
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>')
    tree = ElementTree.fromstring(body)
    assert tree.tag == root
    items = []
    for element in tree:
        assert element.tag == item and [child.tag for child in element] == fields
        items.append({child.tag: child.text for child in element})
    return items


def client_key(db: Database, name: str = "Aplikacioni i Komunës") -> str:
    """Issue a key to a new client and return it."""
    with db.transaction() as session:
        return issue(session, name, NOW).key


@pytest.fixture
def api(dashboard: Flask) -> FlaskClient:
    """Return a client of the app on the demo data (places, contact points, users)."""
    return dashboard.test_client()


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(api: FlaskClient, fmt: str) -> None:
    """Discovery names the specification, the endpoint's address and both formats."""
    response = api.get(f"/open311/v2/discovery.{fmt}")
    assert response.status_code == 200
    root, fields, (list_root, item, item_fields) = DISCOVERY
    if fmt == "json":
        found = json.loads(response.get_data(as_text=True))
        assert list(found) == fields and [list(e) for e in found["endpoints"]] == [item_fields]
        endpoint = found["endpoints"][0]
    else:
        tree = ElementTree.fromstring(response.get_data(as_text=True))
        assert tree.tag == root and [c.tag for c in tree] == fields
        [element] = tree.find(list_root) or []
        assert element.tag == item and [c.tag for c in element] == item_fields
        endpoint = {c.tag: c.text if c.tag != "formats" else [f.text for f in c]
                    for c in element}
        assert [f.tag for f in element.find("formats") or []] == ["format", "format"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert sorted(endpoint["formats"]) == ["application/json", "text/xml"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_hazard_categories_in_the_asked_language(api: FlaskClient,
                                                                   fmt: str) -> None:
    """Only hazards are services (no child at risk, no dropout), named in sq, sr or en."""
    albanian = listed(api.get(f"/open311/v2/services.{fmt}"), fmt, SERVICE)
    assert [s["service_code"] for s in albanian] == [c.key for c in HAZARDS]
    pit = albanian[0]
    assert pit["service_name"] == "Gropë ose pusetë e pambuluar"
    assert str(pit["metadata"]).lower() == "false" and pit["type"] == "realtime"
    assert pit["group"] == "Rrezik publik" and pit["description"]
    serbian = listed(api.get(f"/open311/v2/services.{fmt}?locale=sr_RS"), fmt, SERVICE)
    english = listed(api.get(f"/open311/v2/services.{fmt}?lang=en"), fmt, SERVICE)
    assert english[0]["service_name"] == "Uncovered pit or manhole"
    assert serbian[0]["service_name"] not in (pit["service_name"], english[0]["service_name"])
    codes = {s["service_code"] for s in albanian}
    assert not codes & {"violence", "sexual_abuse", "dropout", "not_enrolled", "trafficking"}
    assert api.get(f"/open311/v2/services/open_pit.{fmt}").status_code == 404
    listed(api.get(f"/open311/v2/services/violence.{fmt}"), fmt, ERROR)


def point_of(db: Database, place: str, role: str) -> ContactPoint:
    """Return a municipality's demo contact point of a role."""
    with db.session() as session:
        return session.scalars(select(ContactPoint).join(Municipality).where(
            Municipality.name_sq == place, ContactPoint.role == role)).one()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_keyed_post_is_filed_and_routed_as_from_the_bot(api: FlaskClient, demo_db: Database,
                                                          fmt: str) -> None:
    """A point in Drenas goes to Drenas' public services, alerted, the client on the timeline."""
    key = client_key(demo_db)
    response = api.post(f"/open311/v2/requests.{fmt}", data={
        "api_key": key, "service_code": "open_pit", **DRENAS, "description": "Pusetë pa kapak",
        "media_url": "https://example.org/foto/1.jpg", **SUBMITTER})
    assert response.status_code == 200, response.get_data(as_text=True)
    [created] = listed(response, fmt, CREATED)
    reference = created["service_request_id"]
    assert reference.startswith("R-") and reference in created["service_notice"]
    assert "Faleminderit" in created["service_notice"]
    point = point_of(demo_db, "Drenas", "public_services")
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        assert (report.kind, report.category, report.channel, report.status) == (
            "hazard", "open_pit", "open311", "routed")
        assert report.municipality is not None and report.municipality.name_sq == "Drenas"
        assert report.reporter_contact_id is None and report.location == "pin"
        assert [r.contact_point_id for r in report.routes] == [point.id]
        [alert] = session.scalars(select(OutboxMessage).where(
            OutboxMessage.report_id == report.id)).all()
        assert (alert.purpose, alert.contact_point_id, alert.status) == (
            "alert", point.id, "pending")
        [event] = session.scalars(select(ReportEvent).where(
            ReportEvent.report_id == report.id, ReportEvent.kind == "open311")).all()
        assert event.data == {"client": "Aplikacioni i Komunës",
                              "client_id": event.data["client_id"],
                              "media_url": "https://example.org/foto/1.jpg"}
        stored = repr([list(session.execute(select(table)).all())
                       for table in Report.metadata.sorted_tables])
    for value in SUBMITTER.values():
        assert value not in stored
    public = [api.get(f"/open311/v2/{path}.{f}").get_data(as_text=True)
              for path in ("requests", f"requests/{reference}") for f in FORMATS]
    assert all(reference in body for body in public)
    for body in public:  # the description waits for staff approval; the submitter never shows
        assert "Pusetë pa kapak" not in body and "example.org/foto" not in body
        assert not any(value in body for value in SUBMITTER.values())


def test_the_timeline_names_the_client(api: FlaskClient, demo_db: Database,
                                       auth: Any) -> None:
    """The report page says, in words, which application sent the report."""
    key = client_key(demo_db, "Qyteti Im")
    created = api.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "stray_dogs", "address_string": "Prizren"})
    reference = json.loads(created.get_data(as_text=True))[0]["service_request_id"]
    assert point_of(demo_db, "Prizren", "public_services").id in _routed(demo_db, reference)
    auth.login()
    page = auth.client.get(f"/reports/{reference}").get_data(as_text=True)
    assert "Qyteti Im" in page and "Open311" in page


def _routed(db: Database, reference: str) -> list[int | None]:
    """Return the contact points a report was routed to."""
    with db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        return [r.contact_point_id for r in report.routes]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_bad_or_revoked_key_is_403(api: FlaskClient, demo_db: Database,
                                             fmt: str) -> None:
    """No key, a wrong one, or one revoked: 403 with the spec's error list, nothing filed."""
    key = client_key(demo_db)
    form = {"service_code": "dump", **DRENAS}
    for given in ({}, {"api_key": "s311_not-a-key"}, {"api_key": "x" * 5000}):
        response = api.post(f"/open311/v2/requests.{fmt}", data={**form, **given})
        assert response.status_code == 403
        [error] = listed(response, fmt, ERROR)
        assert str(error["code"]) == "403"
    with demo_db.transaction() as session:
        session.scalars(select(ApiClient)).one().revoked_at = NOW
    assert api.post(f"/open311/v2/requests.{fmt}", data={**form, "api_key": key}
                    ).status_code == 403
    with demo_db.session() as session:
        assert session.scalars(select(Report)).all() == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_input_is_a_clean_400(api: FlaskClient, demo_db: Database, fmt: str) -> None:
    """Each bad form is refused in the spec's error format, never a server error."""
    key = client_key(demo_db)
    bad = [
        {"service_code": "", **DRENAS},
        {"service_code": "open_pit"},
        {"service_code": "violence", **DRENAS},
        {"service_code": "dropout", "address_string": "Drenas"},
        {"service_code": "open_pit", "lat": "42.6", "long": ""},
        {"service_code": "open_pit", "lat": "nan", "long": "20.9"},
        {"service_code": "open_pit", "lat": "95", "long": "20.9"},
        {"service_code": "open_pit", "lat": "0", "long": "0"},
        {"service_code": "open_pit", "address_string": "Atlantis e Humbur"},
        {"service_code": "open_pit", **DRENAS, "description": "x" * 4001},
        {"service_code": "open_pit", **DRENAS, "media_url": "javascript:alert(1)"},
        {"service_code": "open_pit", **DRENAS, "first_name": "D" * 81},
    ]
    for form in bad:
        response = api.post(f"/open311/v2/requests.{fmt}", data={"api_key": key, **form})
        assert response.status_code == 400, (form, response.get_data(as_text=True))
        assert all(str(e["code"]) == "400" for e in listed(response, fmt, ERROR))
    huge = api.post(f"/open311/v2/requests.{fmt}", data={
        "api_key": key, "service_code": "open_pit", **DRENAS, "description": "ë" * 20000})
    assert huge.status_code == 413
    listed(huge, fmt, ERROR)
    with demo_db.session() as session:
        assert session.scalars(select(Report)).all() == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_show_public_hazards_only(api: FlaskClient, demo_db: Database,
                                           fmt: str) -> None:
    """Open and recently resolved hazards, approved text only; never a child, a dropout, or
    anything of a reporter, in any response."""
    seeded = seed_public(demo_db)
    everything = listed(api.get(f"/open311/v2/requests.{fmt}"), fmt, REQUEST)
    found = {r["service_request_id"]: r for r in everything}
    assert set(found) == {seeded.approved, seeded.plain, seeded.resolved}
    approved = found[seeded.approved]
    assert approved["description"] == "Pusetë pa kapak pranë shkollës, rrezik për fëmijët."
    assert approved["status"] == "open" and approved["agency_responsible"] == "Drenas"
    assert approved["address"] == "Komoran, Drenas" and approved["service_code"] == "open_pit"
    assert float(approved["lat"]) == 42.625 and float(approved["long"]) == 20.893
    assert approved["requested_datetime"].endswith("Z")
    photo = f"/hazards/{seeded.approved}/photos/{seeded.public_photo}"
    assert approved["media_url"].startswith("http") and approved["media_url"].endswith(photo)
    assert found[seeded.plain]["description"] in (None, "")
    assert found[seeded.plain]["media_url"] in (None, "")  # its photo is not published
    assert found[seeded.resolved]["status"] == "closed"
    assert [r["service_request_id"] for r in listed(
        api.get(f"/open311/v2/requests.{fmt}?status=closed"), fmt, REQUEST)] == [
        seeded.resolved]
    assert [r["service_request_id"] for r in listed(
        api.get(f"/open311/v2/requests.{fmt}?service_code=stray_dogs"), fmt, REQUEST)] == [
        seeded.plain]
    asked = ",".join((seeded.approved, seeded.child, seeded.dropout, seeded.stale))
    assert [r["service_request_id"] for r in listed(
        api.get(f"/open311/v2/requests.{fmt}?service_request_id={asked}"), fmt, REQUEST)] == [
        seeded.approved]
    [one] = listed(api.get(f"/open311/v2/requests/{seeded.approved}.{fmt}"), fmt, REQUEST)
    assert one == approved
    for hidden in (seeded.child, seeded.dropout, seeded.duplicate, seeded.simulated,
                   seeded.stale, "R-NOSUCH"):
        response = api.get(f"/open311/v2/requests/{hidden}.{fmt}")
        assert response.status_code == 404
        [error] = listed(response, fmt, ERROR)
        assert str(error["code"]) == "404"
    bodies = [api.get(f"/open311/v2/{path}.{fmt}").get_data(as_text=True) for path in (
        "discovery", "services", "requests", f"requests/{seeded.approved}",
        f"requests/{seeded.child}", f"requests/{seeded.dropout}")]
    bodies.append(api.get(f"/open311/v2/requests.{fmt}?service_request_id={asked}"
                          ).get_data(as_text=True))
    for body in bodies:
        for secret in (*SECRETS, "Ardit", "violence", "child_at_risk", "QZ<", '"QZ"'):
            assert secret not in body


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_90_day_window(api: FlaskClient, demo_db: Database, fmt: str) -> None:
    """By default the last 90 days; an older window may be asked for; never more than 90."""
    seeded = seed_public(demo_db)
    with demo_db.transaction() as session:
        old = session.scalars(select(Report).where(Report.reference == seeded.plain)).one()
        old.created_at = NOW - timedelta(days=100)
    recent = [r["service_request_id"] for r in listed(
        api.get(f"/open311/v2/requests.{fmt}"), fmt, REQUEST)]
    assert seeded.plain not in recent and seeded.approved in recent
    start = (NOW - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (NOW - timedelta(days=95)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    older = listed(api.get(f"/open311/v2/requests.{fmt}",
                           query_string={"start_date": start, "end_date": end}), fmt, REQUEST)
    assert [r["service_request_id"] for r in older] == [seeded.plain]
    future = (NOW + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert listed(api.get(f"/open311/v2/requests.{fmt}", query_string={"start_date": future}),
                  fmt, REQUEST) == []
    too_long = api.get(f"/open311/v2/requests.{fmt}", query_string={
        "start_date": start, "end_date": NOW.strftime("%Y-%m-%dT%H:%M:%SZ")})
    assert too_long.status_code == 400
    listed(too_long, fmt, ERROR)
    for bad in ({"start_date": "yesterday"}, {"end_date": "2026-13-45"}, {"status": "x"},
                {"service_code": "violence"},
                {"service_request_id": ",".join(f"R-{n}" for n in range(201))}):
        response = api.get(f"/open311/v2/requests.{fmt}", query_string=bad)
        assert response.status_code == 400
        listed(response, fmt, ERROR)


def _many_open(db: Database, count: int) -> None:
    """Store `count` open public hazards in Drenas, filed a minute apart from now back."""
    with db.transaction() as session:
        drenas = session.scalars(select(Municipality).where(
            Municipality.name_sq == "Drenas")).one()
        session.execute(Report.__table__.insert(), [  # type: ignore[attr-defined]
            {"reference": f"R-M{n:05d}", "kind": "hazard", "category": "dump",
             "status": "routed", "municipality_id": drenas.id, "channel": "sms",
             "language": "sq", "urgent": False, "place_text": "", "description": "",
             "details": {}, "anonymous": True, "callback_consent": False, "unrouted": False,
             "simulated": False, "incomplete": False, "confirmations": 0, "me_too": 0,
             "created_at": NOW - timedelta(minutes=n), "updated_at": NOW}
            for n in range(count)])


def test_at_most_1000_requests(api: FlaskClient, demo_db: Database) -> None:
    """1,005 public hazards in the window: the newest 1,000 are answered."""
    _many_open(demo_db, 1005)
    for fmt in FORMATS:
        found = listed(api.get(f"/open311/v2/requests.{fmt}"), fmt, REQUEST)
        assert len(found) == 1000
        assert found[0]["service_request_id"] == "R-M00000"
        assert found[-1]["service_request_id"] == "R-M00999"


def test_status_filters_before_the_1000_row_cut(api: FlaskClient, demo_db: Database) -> None:
    """1,001 newer open hazards do not hide an older closed one from status=closed."""
    _many_open(demo_db, 1001)
    seeded = seed_public(demo_db)  # its resolved hazard was filed 9 days ago: the oldest
    for fmt in FORMATS:
        closed = listed(api.get(f"/open311/v2/requests.{fmt}?status=closed"), fmt, REQUEST)
        assert [r["service_request_id"] for r in closed] == [seeded.resolved]
        opened = listed(api.get(f"/open311/v2/requests.{fmt}?status=open"), fmt, REQUEST)
        assert len(opened) == 1000 and {r["status"] for r in opened} == {"open"}


def test_a_long_id_list_is_one_query(api: FlaskClient, demo_db: Database) -> None:
    """Up to 200 ids, in any case, answered in the order asked with one query; 201 is 400."""
    _many_open(demo_db, 250)
    asked = [f"r-m{n:05d}" for n in range(199, -1, -1)]
    line = f"GET /open311/v2/requests.json?{urlencode({'service_request_id': ','.join(asked)})}"
    assert len(line + " HTTP/1.1") < 4094, "within gunicorn's default request line"
    statements: list[str] = []

    def seen(*args: Any) -> None:
        """Note each statement the database is sent."""
        statements.append(args[2])

    assert demo_db.engine is not None
    event.listen(demo_db.engine, "before_cursor_execute", seen)
    try:
        for fmt in FORMATS:
            statements.clear()
            found = listed(api.get(f"/open311/v2/requests.{fmt}",
                                   query_string={"service_request_id": ",".join(asked)}),
                           fmt, REQUEST)
            assert [r["service_request_id"] for r in found] == [a.upper() for a in asked]
            assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 2
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", seen)
    too_many = api.get("/open311/v2/requests.json",
                       query_string={"service_request_id": ",".join([*asked, "R-M00200"])})
    assert too_many.status_code == 400


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_and_emoji_never_break_an_answer(api: FlaskClient,
                                                            demo_db: Database,
                                                            fmt: str) -> None:
    """A NUL or a control character is dropped (PostgreSQL and XML take neither); emoji stay."""
    key = client_key(demo_db)
    response = api.post(f"/open311/v2/requests.{fmt}", data={
        "api_key": key, "service_code": "dump", "address_string": "Drenas\x00",
        "description": "Mbeturina\x00 \x07këtu 🚮"})
    assert response.status_code == 200, response.get_data(as_text=True)
    [created] = listed(response, fmt, CREATED)
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(
            Report.reference == created["service_request_id"])).one()
        assert report.description == "Mbeturina këtu 🚮"
    missing = api.get(f"/open311/v2/requests/R-%01%02.{fmt}")
    assert missing.status_code == 404
    listed(missing, fmt, ERROR)


def test_the_worker_alerts_the_contact_point(api: FlaskClient, demo_db: Database,
                                             database_url: str) -> None:
    """The alert goes out like a bot report's; no reporter is told anything, nobody named."""
    from alerts.clock import ManualClock
    from tests.fake_senders import FakeSender
    from tests.test_alerts_end_to_end import worker_for

    response = api.post("/open311/v2/requests.json", data={
        "api_key": client_key(demo_db), "service_code": "open_pit", **DRENAS, **SUBMITTER})
    reference = json.loads(response.get_data(as_text=True))[0]["service_request_id"]
    sms = FakeSender("sms")
    # The report was filed at the real time: the worker's clock starts after it.
    worker_for(demo_db, database_url, sms, ManualClock(datetime.now(UTC) + timedelta(minutes=1))
               ).dispatcher.run_once()
    point = point_of(demo_db, "Drenas", "public_services")
    [alert] = sms.sent
    assert alert.address == point.phone and reference in alert.text
    assert not any(value in alert.text for value in SUBMITTER.values())


def test_a_key_files_at_most_60_at_once(api: FlaskClient, demo_db: Database) -> None:
    """A burst of 60 is filed; the 61st waits (429, Retry-After), and other keys are not held."""
    key, other = client_key(demo_db), client_key(demo_db, "Tjetri")
    form = {"service_code": "dump", **DRENAS}
    statuses = [api.post("/open311/v2/requests.json", data={**form, "api_key": key}
                         ).status_code for _ in range(61)]
    assert statuses == [200] * 60 + [429]
    held = api.post("/open311/v2/requests.xml", data={**form, "api_key": key})
    assert held.status_code == 429 and 1 <= int(held.headers["Retry-After"]) <= 10
    listed(held, "xml", ERROR)
    assert api.post("/open311/v2/requests.json", data={**form, "api_key": other}
                    ).status_code == 200
    with demo_db.session() as session:
        assert len(session.scalars(select(Report)).all()) == 61
