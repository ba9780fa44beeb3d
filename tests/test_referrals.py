"""A report's referral to services, its whole life: sent, declined and back to the focal point
(an alert queued), sent elsewhere, accepted, done; by SMS keyword and from the dashboard."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.content import prepare
from handlers.referral_texts import listing
from locales import Catalogs
from models import ContactPoint, OutboxMessage, Report, ReportEvent
from models.db import Database
from models.services import Referral, Service
from sms.gsm import segments, transliterate
from tests.conftest import AuthActions
from tests.dialog import Chat, references, rows
from tests.service_data import load_services
from tests.test_content import SETTINGS
from tests.test_dialogs import AGE as AGE_QUESTION
from tests.test_dialogs import (
    ALL_ADDED,
    CHILD_WHAT,
    CHILD_WHERE_NOW,
    CONCERN,
    CONTACT,
    DANGER,
    MENU,
    SENT_URGENT,
    SEX,
)
from tests.test_focal_points import NOT_YOURS, phone_of

REPORTER = "+38349111290"
DESCRIPTION = "Fqinji e rrah djalin çdo natë"
CHILD_IN_DRENAS = rows(
    ("menu", MENU), ("2", DANGER), ("PO", ("112", CHILD_WHERE_NOW)),
    ("gllogoc", ("R-", "Drenas", SENT_URGENT, CONCERN)), ("1", AGE_QUESTION), ("2", SEX),
    ("3", CHILD_WHAT), (DESCRIPTION, CONTACT), ("2", ("R-", ALL_ADDED)),
)
WORKER = "Demo: Drenas child protection"
LABIRINTI_PHONE, QPS_PHONE = "+38344777888", "+38349123456"
REFERRED = "Report {reference} was referred to {service}."
TOLD = "The service was sent the referral, without the reporter's name or number."
THANKS = ("Thank you. The referral of report {reference} is now: {state}. The social worker "
          "who referred it is told.")
REASON = ("Please write the reason after the reference, for example: REFUZOHET {reference} we "
          "have no places until May.")
BLOCKED = "The referral of report {reference} is {state} and cannot be changed now."
UNKNOWN = ("I found no service \u201c{words}\u201d for report {reference}. Write REFERO "
           "{reference} to see the list.")
SEVERAL = ("Several services go by that name. Write REFERO {reference} and the number of one "
           "of them:")
NO_REFERRAL = ("I found no referral of report {reference} to your service. Please check the "
               "reference.")


@pytest.fixture
def case(chat: Callable[..., Chat], demo_db: Database, tmp_path: Path) -> str:
    """File an urgent child at risk in Drenas with the service directory loaded; return its
    reference."""
    load_services(demo_db, tmp_path)
    reporter = chat("sms", REPORTER)
    reporter.replay(CHILD_IN_DRENAS)
    [reference] = references(reporter)
    return reference


def service_id(db: Database, name: str) -> int:
    """Return a service's number."""
    with db.session() as session:
        return session.scalars(select(Service.id).where(Service.name == name)).one()


def referrals(db: Database, reference: str) -> list[tuple[str, str]]:
    """Return a report's referrals as (service, state), oldest first."""
    with db.session() as session:
        return [(r.service.name, r.state) for r in session.scalars(
            select(Referral).join(Report).where(Report.reference == reference)
            .order_by(Referral.id))]


def outbox(session: Session, reference: str, purpose: str) -> list[OutboxMessage]:
    """Return a report's outbox rows of one purpose, oldest first."""
    return list(session.scalars(select(OutboxMessage).join(Report).where(
        Report.reference == reference, OutboxMessage.purpose == purpose)
        .order_by(OutboxMessage.id)))


def rendered(session: Session, row: OutboxMessage, catalogs: Catalogs) -> str:
    """Render an outbox row as it would be sent, and insist that it is sent."""
    text = prepare(session, row, catalogs, SETTINGS)
    assert isinstance(text, str), text
    return text


def timeline(db: Database, reference: str) -> list[tuple[str, str]]:
    """Return a report's referral events as (kind, actor)."""
    with db.session() as session:
        return [(e.kind, e.actor) for e in session.scalars(
            select(ReportEvent).join(Report).where(
                Report.reference == reference, ReportEvent.kind.like("referral%"))
            .order_by(ReportEvent.id))]


def test_referral_life_by_sms(chat: Callable[..., Chat], demo_db: Database, case: str,
                              catalogs: Catalogs) -> None:
    """Sent, declined with a reason, an alert back to the focal points, sent elsewhere by
    name, accepted, done: each an event with its actor; services told only what they need."""
    worker = chat("sms", phone_of(demo_db, WORKER))
    labirinti = service_id(demo_db, "Qendra Labirinti")
    worker.replay(rows(
        (f"REFERO {case}", (f"#{labirinti} Qendra Labirinti", "Qendra për Punë Sociale",
                            "Ndihma Juridike Falas", f"Shkruani REFERO {case}")),
        (f"refero {case.lower()} {labirinti} Familja ka nevojë për këshillim",
         (REFERRED, "Qendra Labirinti", TOLD)),
        (f"REFERO {case} {labirinti}", "është referuar tashmë te Qendra Labirinti"),
    ))
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == case)).one()
        assert report.status == "acknowledged"  # referring takes the report up
        [sent] = outbox(session, case, "referral")
        assert (sent.channel, sent.address, sent.language) == ("sms", LABIRINTI_PHONE, "sq")
        text = rendered(session, sent, catalogs)
    for wanted in (case, "Fëmijë në rrezik", "6–11", "Drenas", "Familja ka nevojë për këshillim",
                   "PRANOHET", "REFUZOHET", "KRYER"):
        assert wanted in text, (wanted, text)
    for never in (DESCRIPTION, REPORTER, "Vajzë", "Djalë", "gllogoc"):
        assert never not in text, (never, text)
    assert segments(transliterate(text)) <= 2, text  # one SMS of two parts at most

    labirinti_chat = chat("sms", LABIRINTI_PHONE)
    labirinti_chat.replay(rows(
        (f"REFUZOHET {case}", REASON),
        (f"Refuzohet {case} nuk kemi psikolog të lirë deri në maj", (THANKS, "refuzuar")),
        (f"KRYER {case}", BLOCKED),
    ))
    assert referrals(demo_db, case) == [("Qendra Labirinti", "declined")]
    with demo_db.session() as session:
        back = outbox(session, case, "referral_update")
        worker_id = session.scalars(select(ContactPoint.id).where(
            ContactPoint.name == WORKER)).one()
        assert worker_id in {row.contact_point_id for row in back}  # the alert is queued
        alert = next(row for row in back if row.contact_point_id == worker_id)
        text = rendered(session, alert, catalogs)
    assert "nuk kemi psikolog të lirë deri në maj" in text and f"REFERO {case}" in text

    worker.replay(rows(
        (f"REFERO {case} Qendra per Pune Sociale psikologu i QPS-së e viziton familjen",
         (REFERRED, "Qendra për Punë Sociale Drenas")),
    ))
    chat("sms", QPS_PHONE).replay(rows(
        (f"PRANOHET {case}", (THANKS, "pranuar")),
        (f"kryer {case}", (THANKS, "kryer")),
    ))
    labirinti_chat.replay(rows((f"KRYER {case}", BLOCKED)))
    assert referrals(demo_db, case) == [("Qendra Labirinti", "declined"),
                                        ("Qendra për Punë Sociale Drenas", "done")]
    point = f"contact_point:{worker_id}"
    qps = f"service:{service_id(demo_db, 'Qendra për Punë Sociale Drenas')}"
    assert timeline(demo_db, case) == [
        ("referral_sent", point), ("referral_declined", f"service:{labirinti}"),
        ("referral_sent", point), ("referral_accepted", qps), ("referral_done", qps)]
    with demo_db.session() as session:
        notes = session.scalars(select(Referral.note).order_by(Referral.id)).all()
        told = [row.payload["state"] for row in outbox(session, case, "referral_update")
                if row.contact_point_id == worker_id]
    assert notes == ["Familja ka nevojë për këshillim",
                     "psikologu i QPS-së e viziton familjen"]
    assert told == ["declined", "accepted", "done"]


def test_only_those_who_may_act_refer(chat: Callable[..., Chat], demo_db: Database,
                                      case: str) -> None:
    """Another municipality's focal point gets "not found"; a citizen's REFERO is just words;
    a service answers only its own referrals; an unknown service is said to be unknown."""
    other = chat("sms", phone_of(demo_db, "Demo: Prizren child protection"))
    [theirs] = other.replay(rows((f"REFERO {case} 1", case)))
    assert other.expects(theirs, NOT_YOURS, "sq")
    chat("sms", "+38344990299").replay(rows((f"REFERO {case} 1", MENU)))
    worker = chat("sms", phone_of(demo_db, WORKER))
    worker.replay(rows(
        (f"REFERO {case} 99999 shënim", UNKNOWN),
        (f"REFERO {case} Strehimorja", UNKNOWN),  # Prishtinë's
        (f"REFERO {case} Qendra", (SEVERAL, "Qendra Labirinti")),
        (f"REFERO {case} {service_id(demo_db, 'Ndihma Juridike Falas')}", REFERRED),
    ))
    chat("sms", LABIRINTI_PHONE).replay(rows((f"PRANOHET {case}", NO_REFERRAL)))
    assert referrals(demo_db, case) == [("Ndihma Juridike Falas", "sent")]


def referral_ids(db: Database, reference: str) -> list[int]:
    """Return a report's referral ids, oldest first."""
    with db.session() as session:
        return list(session.scalars(select(Referral.id).join(Report).where(
            Report.reference == reference).order_by(Referral.id)))


def test_referral_life_in_the_dashboard(auth: AuthActions, demo_db: Database, case: str,
                                        catalogs: Catalogs) -> None:
    """The focal point refers from the report's page, records the service's answers on its
    behalf, sees the declined referral come back, refers again and closes as referred."""
    page = f"/reports/{case}"
    auth.login("focal.drenas@example.org")
    listing = auth.client.get(f"{page}?need=legal_aid").get_data(as_text=True)
    assert "Ndihma Juridike Falas" in listing and "Qendra Labirinti</option>" not in listing
    labirinti = service_id(demo_db, "Qendra Labirinti")
    done = auth.post(f"{page}/referrals", {"service": str(labirinti), "need": "psychosocial",
                                           "note": "Këshillim për familjen", "notify": "on"},
                     page=page)
    assert done.status_code == 302
    [first] = referral_ids(demo_db, case)
    with demo_db.session() as session:
        [to_service] = outbox(session, case, "referral")
        assert "Mbështetje psikologjike" in rendered(session, to_service, catalogs)
    declined = auth.post(f"{page}/referrals/{first}", {"state": "declined", "reason": ""},
                         page=page)
    assert "Ju lutemi shkruani pse" in auth.client.get(declined.location).get_data(as_text=True)
    auth.post(f"{page}/referrals/{first}", {"state": "declined",
                                            "reason": "Pa vende deri në maj"}, page=page)
    shown = auth.client.get(page).get_data(as_text=True)
    assert 'id="needs-referral"' in shown and "Pa vende deri në maj" in shown
    with demo_db.session() as session:
        told = {row.contact_point_id for row in outbox(session, case, "referral_update")}
        worker = session.scalars(select(ContactPoint.id).where(
            ContactPoint.name == WORKER)).one()
    assert worker in told  # the focal point holding it hears of the decline by SMS too

    qps = service_id(demo_db, "Qendra për Punë Sociale Drenas")
    auth.post(f"{page}/referrals", {"service": str(qps), "notify": "on"}, page=page)
    second = referral_ids(demo_db, case)[1]
    for state in ("accepted", "done"):
        auth.post(f"{page}/referrals/{second}", {"state": state}, page=page)
    shown = auth.client.get(page).get_data(as_text=True)
    assert 'id="needs-referral"' not in shown and f'data-referral="{second}" data-state="done"' \
        in shown
    closed = auth.post(f"{page}/referrals/{second}/close", {}, page=page)
    assert closed.status_code == 302
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == case)).one()
        assert (report.status, report.close_reason) == ("closed", "referred")
        assert session.get(Referral, second).closes_report  # type: ignore[union-attr]
        staff = [e.actor for e in session.scalars(select(ReportEvent).where(
            ReportEvent.report_id == report.id, ReportEvent.kind.like("referral%")))]
    assert referrals(demo_db, case) == [("Qendra Labirinti", "declined"),
                                        ("Qendra për Punë Sociale Drenas", "done")]
    assert len(staff) == 5 and all(re.fullmatch(r"staff:\d+", actor) for actor in staff)


def test_revoking_tells_the_service(auth: AuthActions, demo_db: Database, case: str,
                                    catalogs: Catalogs) -> None:
    """A referral revoked before the service answered: its message says so; a new one's
    message, revoked before it left, is not sent at all."""
    page = f"/reports/{case}"
    auth.login("focal.drenas@example.org")
    legal = service_id(demo_db, "Ndihma Juridike Falas")
    auth.post(f"{page}/referrals", {"service": str(legal), "notify": "on"}, page=page)
    [referral] = referral_ids(demo_db, case)
    auth.post(f"{page}/referrals/{referral}", {"state": "revoked", "reason": "gabim"}, page=page)
    with demo_db.session() as session:
        first, revoked = outbox(session, case, "referral")
        assert not isinstance(prepare(session, first, catalogs, SETTINGS), str)
        assert "u anulua" in rendered(session, revoked, catalogs)
    assert referrals(demo_db, case) == [("Ndihma Juridike Falas", "revoked")]


def test_out_of_scope_is_not_found(auth: AuthActions, demo_db: Database, case: str) -> None:
    """Prizren's focal point cannot refer a Drenas report; a referral of another report is 404."""
    page = f"/reports/{case}"
    labirinti = service_id(demo_db, "Qendra Labirinti")
    auth.login("focal.prizren@example.org")
    assert auth.post(f"{page}/referrals", {"service": str(labirinti)}, page="/reports"
                     ).status_code == 404
    auth.post("/logout", {})
    auth.login("focal.drenas@example.org")
    auth.post(f"{page}/referrals", {"service": str(labirinti)}, page=page)
    [referral] = referral_ids(demo_db, case)
    assert auth.post(f"/reports/R-ZZZZZZ/referrals/{referral}", {"state": "done"},
                     page=page).status_code == 404
    with demo_db.session() as session:
        prishtine = session.scalars(select(Service.id).where(
            Service.name.like("Strehimorja%"))).one()
    auth.post(f"{page}/referrals", {"service": str(prishtine)}, page=page)
    assert referrals(demo_db, case) == [("Qendra Labirinti", "sent")]


def test_a_report_without_a_municipality_has_no_services_yet(catalogs: Catalogs) -> None:
    """REFERO on a report whose place is not known says why nothing is listed, and what to do."""
    said = catalogs(listing("R-7K3M9Q", None, "", []).lines[0], "sq")
    assert "R-7K3M9Q" in said and "komun" in said and "  " not in said
