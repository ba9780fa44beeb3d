"""Each country's national fallback: routing, escalation, the CSV column and the admin form."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from alerts.deadlines import Deadlines
from alerts.escalation import chain, escalate_due
from models import ContactPoint, OutboxMessage, Report
from models.db import Database
from models.imports import import_contact_points
from routing.rules import Candidate, choose_contact_points, national_for
from sinjalizo.cli import main
from tests.conftest import AuthActions
from tests.dialog import Chat, references, rows
from tests.test_admin import town
from tests.test_lifecycle import HAZARD

KOSOVO, ALBANIA = "Demo: national fallback", "Demo: Albania national fallback"
XK_1, XK_2, AL_1, BOTH = (Candidate(1, "national", None, country="XK"),
                          Candidate(2, "national", None, escalation_order=2, country="XK"),
                          Candidate(3, "national", None, country="AL"),
                          Candidate(4, "national", None))


def test_each_country_has_its_own_national_points() -> None:
    """Own country's first; without them those serving both; without those, everyone."""
    every = [XK_1, XK_2, AL_1, BOTH]
    assert national_for("XK", every) == [XK_1, XK_2]
    assert national_for("AL", [XK_1, BOTH]) == [BOTH]
    assert national_for("AL", [XK_1]) == [XK_1]  # still someone, rather than no one
    assert national_for(None, every) == every


def test_a_report_of_unknown_country_alerts_each_country() -> None:
    """Unknown country: one target per country, each alerting its first national point."""
    choice = choose_contact_points(("child_protection",), None, None, [XK_2, XK_1, AL_1])
    assert choice.unrouted
    assert [(t.contact_point_ids, t.alert_now) for t in choice.targets] == [
        ((1, 2), (1,)), ((3,), (3,))]
    albanian = choose_contact_points(("public_services",), 39, None, [XK_1, AL_1], "AL")
    assert [t.contact_point_ids for t in albanian.targets] == [(3,)]


def test_the_chain_ends_at_the_reports_own_country() -> None:
    """Escalation's last step is the national office of the report's country."""
    people = [Candidate(7, "public_services", 39), Candidate(8, "coordinator", 39),
              XK_1, AL_1]
    assert [c.id for c in chain("public_services", 39, None, people, "AL")] == [7, 8, 3]
    assert [c.id for c in chain("national", None, None, people, None)] == [1, 3]


def routed_to(db: Database, reference: str) -> list[str]:
    """Return the names of the contact points a report was routed to, in order."""
    with db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        return [route.contact_point.name for route in report.routes
                if route.contact_point is not None]


@pytest.mark.parametrize(("address", "expected"), [
    ("+355691234500", [ALBANIA]), ("+38349123450", [KOSOVO])])
def test_a_place_not_known_goes_to_the_reporters_country(
        chat: Callable[..., Chat], demo_db: Database, address: str, expected: list[str]) -> None:
    """A child in danger, place not known: the national office of the number's country."""
    person = chat("sms", address)
    person.replay(rows(("menu", ""), ("2", ""), ("po", ""), ("nuk e di", "R-")))
    [reference] = references(person)
    assert routed_to(demo_db, reference) == expected
    with demo_db.session() as session:
        alerts = session.scalars(select(OutboxMessage.address).where(
            OutboxMessage.purpose == "alert")).all()
    assert alerts == [{ALBANIA: "+355690000999", KOSOVO: "+38344000999"}[expected[0]]]


def test_a_telegram_report_of_no_country_goes_to_both(chat: Callable[..., Chat],
                                                      demo_db: Database) -> None:
    """Nobody knows the country: both national offices are alerted."""
    person = chat("telegram", "5550303")
    person.replay(rows(("/start", ""), ("[child_at_risk]", ""), ("[yes]", "112"),
                       ("s'e di", ""), ("nuk e di", "R-")))
    [reference] = references(person)
    assert sorted(routed_to(demo_db, reference)) == sorted([KOSOVO, ALBANIA])


def test_an_albanian_municipality_without_contact_points(chat: Callable[..., Chat],
                                                         demo_db: Database) -> None:
    """A hazard in Kuçovë, where nobody holds public services, goes to Albania's office."""
    person = chat("sms", "+355691234501")
    person.replay(tuple((said.replace("Drenas", "Kuçovë"), wanted) for said, wanted in HAZARD))
    [reference] = references(person)
    assert routed_to(demo_db, reference) == [ALBANIA]
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        assert (report.unrouted, report.country) == (True, "AL")


def test_escalation_in_albania_ends_at_albanias_office(chat: Callable[..., Chat],
                                                       demo_db: Database) -> None:
    """Berat's hazard nobody takes up: public services, the coordinator, then Albania's office."""
    person = chat("sms", "+355691234502")
    person.replay(tuple((said.replace("Drenas", "Berat"), wanted) for said, wanted in HAZARD))
    [reference] = references(person)
    deadlines = Deadlines.load(None)
    with demo_db.transaction() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        at = report.created_at
        for _ in range(3):
            at += timedelta(hours=73)
            escalate_due(session, at, deadlines)
    assert routed_to(demo_db, reference) == [
        "Demo: Berat public services", "Demo: Berat coordinator", ALBANIA]


CSV_WITH_COUNTRY = """\
name,role,municipality,school_code,phone,telegram_chat_id,email,escalation_order,language,country
Zyra kombëtare e Shqipërisë,national,,,,-100200301,,1,sq,AL
Zyra kombëtare e Kosovës,national,,,,-100200302,,1,sq,xk
Zyra e përbashkët,national,,,,-100200303,,2,sq,
Drenasi,coordinator,Drenas,,044 111 999,,,1,sq,XK
"""


def test_the_csv_carries_the_country_of_national_points(db: Database, tmp_path: Path) -> None:
    """The last column names a national point's country; empty, it serves both."""
    path = tmp_path / "points.csv"
    path.write_text(CSV_WITH_COUNTRY, encoding="utf-8")
    with db.transaction() as session:
        result = import_contact_points(session, path)
        assert (result.added, result.errors) == (4, [])
        countries = {p.name: p.country for p in session.scalars(select(ContactPoint))}
    assert countries == {"Zyra kombëtare e Shqipërisë": "AL", "Zyra kombëtare e Kosovës": "XK",
                         "Zyra e përbashkët": None, "Drenasi": None}


@pytest.mark.parametrize(("row", "error"), [
    ("A,national,,,,-1,,1,sq,RS", 'country "RS" is not XK (Kosovo) or AL (Albania)'),
    ("A,coordinator,Berat,,069 123 4567,,,1,sq,XK", 'country "XK" does not match Berat (AL)'),
])
def test_a_wrong_country_is_refused(db: Database, tmp_path: Path, row: str, error: str) -> None:
    """A country that is none of ours, or not the municipality's, refuses the row."""
    path = tmp_path / "points.csv"
    path.write_text(CSV_WITH_COUNTRY.splitlines()[0] + "\n" + row + "\n", encoding="utf-8")
    with db.transaction() as session:
        result = import_contact_points(session, path)
    assert [str(e) for e in result.errors] == [f"line 2: {error}"]


def test_the_old_header_reads_the_country_from_the_phone(db: Database, tmp_path: Path) -> None:
    """Without the column, a national point with an Albanian number is Albania's."""
    path = tmp_path / "points.csv"
    path.write_text("name,role,municipality,school_code,phone\n"
                    "Tirana,national,,,+355 69 765 4321\nPrishtina,national,,,044 765 432\n",
                    encoding="utf-8")
    with db.transaction() as session:
        assert import_contact_points(session, path).added == 2
        found = {p.name: p.country for p in session.scalars(select(ContactPoint))}
    assert found == {"Tirana": "AL", "Prishtina": "XK"}


def test_the_admin_form_sets_a_national_points_country(auth: AuthActions,
                                                       demo_db: Database) -> None:
    """An admin names a national point's country; a municipal point ignores the field."""
    auth.login()
    form = {"name": "Zyra e Tiranës", "role": "national", "municipality": "",
            "phone": "069 765 4321", "escalation_order": "1", "language": "sq",
            "country": "AL"}
    assert auth.post("/admin/points/new", form, page="/admin/points/new").status_code == 302
    local = {**form, "name": "Drenasi", "role": "coordinator",
             "municipality": str(town(demo_db, "Drenas")), "phone": "044 765 432"}
    assert auth.post("/admin/points/new", local, page="/admin/points/new").status_code == 302
    with demo_db.session() as session:
        found = {p.name: p.country for p in session.scalars(select(ContactPoint).where(
            ContactPoint.name.in_(["Zyra e Tiranës", "Drenasi"])))}
    assert found == {"Zyra e Tiranës": "AL", "Drenasi": None}
    listing = auth.client.get("/admin/points").get_data(as_text=True)
    assert "asnjë (kombëtare) · Shqipëri" in listing


def test_the_report_list_filters_by_country(chat: Callable[..., Chat], demo_db: Database,
                                            auth: AuthActions) -> None:
    """An admin lists one country's reports; a coordinator has no such choice."""
    kosovo, albania = chat("sms", "+38344999201"), chat("sms", "+355691234503")
    kosovo.replay(HAZARD)
    albania.replay(tuple((said.replace("Drenas", "Berat"), wanted) for said, wanted in HAZARD))
    [drenas], [berat] = references(kosovo), references(albania)
    auth.login()
    listed = auth.client.get("/reports?country=AL").get_data(as_text=True)
    assert berat in listed and drenas not in listed and 'name="country"' in listed
    both = auth.client.get("/reports").get_data(as_text=True)
    assert berat in both and drenas in both
    auth.post("/logout", {})
    auth.login("prizren@example.org")
    assert 'name="country"' not in auth.client.get("/reports").get_data(as_text=True)
    auth.post("/logout", {})
    auth.login("focal.drenas@example.org")  # their municipality fixes the country
    assert drenas in auth.client.get("/reports?country=AL").get_data(as_text=True)


def test_the_reports_command_filters_by_country(chat: Callable[..., Chat], demo_db: Database,
                                                database_url: str) -> None:
    """`sinjalizo reports --country AL` lists Albania's reports only; RS is refused."""
    kosovo, albania = chat("sms", "+38344999202"), chat("sms", "+355691234504")
    kosovo.replay(HAZARD)
    albania.replay(tuple((said.replace("Drenas", "Berat"), wanted) for said, wanted in HAZARD))
    [drenas], [berat] = references(kosovo), references(albania)

    def listed(*options: str) -> set[str]:
        """Return the references `sinjalizo reports --json` prints with these options."""
        result = CliRunner().invoke(main, ["--database-url", database_url, "reports",
                                           "--json", *options])
        assert result.exit_code == 0, result.output
        return {json.loads(line)["reference"] for line in result.output.splitlines()}

    assert berat in listed("--country", "al") and drenas not in listed("--country", "AL")
    assert drenas in listed("--country", "XK") and berat not in listed("--country", "XK")
    assert {berat, drenas} <= listed()
    refused = CliRunner().invoke(main, ["--database-url", database_url, "reports",
                                        "--country", "RS"])
    assert refused.exit_code == 2
    assert "Invalid value for '--country': 'RS' is not one of" in refused.output


def test_the_admin_form_refuses_a_country_not_ours(auth: AuthActions, demo_db: Database) -> None:
    """A forged country comes back with the reason, and nothing is saved."""
    auth.login()
    form = {"name": "Zyra e Beogradit", "role": "national", "municipality": "",
            "phone": "069 765 4322", "escalation_order": "1", "language": "sq",
            "country": "RS"}
    response = auth.post("/admin/points/new", form, page="/admin/points/new")
    assert response.status_code == 200
    assert "country &#34;RS&#34; is not XK (Kosovo) or AL (Albania)" in response.get_data(
        as_text=True)
    with demo_db.session() as session:
        assert session.scalars(select(ContactPoint).where(
            ContactPoint.name == "Zyra e Beogradit")).first() is None
