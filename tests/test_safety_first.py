"""A child in danger is reported before anything else is asked; nothing told is ever lost.

Replayed through the engine and the database (tests/dialog.py), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from alerts.content import alert_lines
from locales import Catalogs
from models import ConversationSession, OutboxMessage, Report, ReportEvent
from models.db import Database
from service.conversation import Conversations
from service.expiry import file_abandoned
from tests.conftest import AuthActions
from tests.dialog import Chat, references, rows

MENU = "What would you like to do?"
DANGER = "Is the child in immediate danger right now?"
WHERE_NOW = "Where is the child now? Write the village and the municipality."
WHERE = "Where is the child? Write the village and the municipality."
CONCERN = "What are you worried about?"
AGE = "About how old is the child?"
SEX = "Is the child a girl or a boy?"
WHAT = "Describe what you saw or know. Please do not write the child's full name."
CONTACT = ("May the social worker contact you here for more details? "
           "Your name is never shared with anyone else.")
SENT_URGENT = "Your report {reference} has been sent as URGENT to {targets}."
MORE = "If you can, answer a few more questions: each answer goes straight to them."
REASSURE = ("Thank you. Even if you stop here, what you have told us so far will reach "
            "a social worker.")
ALL_ADDED = "Thank you. Everything you told us has been added to report {reference}."
SEND = "Send it?"
KEPT = ("Your report {reference} was already sent, because the child is in danger, and it "
        "stays with those who received it. The remaining questions were skipped.")
LOCKED = ("The answers before this question were already sent with report {reference}; "
          "they cannot be changed here.")
FILED_ON_LEAVING = ("You stopped answering, so we sent what you had told us to {targets} as "
                    "report {reference}.")

UP_TO_THE_PLACE = rows(
    ("Tung", MENU),
    ("2", DANGER),
    ("po", ("112", "192", WHERE_NOW)),
    ("Drenas", (SENT_URGENT, MORE, CONCERN)),
)


def report_of(db: Database, reference: str) -> Report:
    """Return the stored report with this reference (its relations loaded)."""
    session = db.session()
    report = session.scalar(select(Report).where(Report.reference == reference))
    assert report is not None
    return report


def test_stopping_after_the_place_leaves_an_urgent_routed_report(
        chat: Callable[..., Chat], demo_db: Database) -> None:
    """"Yes, in danger" and a place: the report is filed, routed and alerted, nothing else asked."""
    person = chat("sms", "+38349111222")
    person.replay(UP_TO_THE_PLACE)
    [reference] = references(person)
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None and report.urgent and report.incomplete
        assert report.status == "routed" and report.category == "unknown"
        assert report.municipality is not None and report.municipality.name_sq == "Drenas"
        assert report.anonymous and not report.callback_consent
        assert sorted(r.role for r in report.routes) == ["child_protection", "police_liaison"]
        alerts = session.scalars(select(OutboxMessage).where(
            OutboxMessage.report_id == report.id)).all()
        assert sorted(a.purpose for a in alerts) == ["alert", "alert"]


def test_later_answers_complete_the_same_report_and_reach_its_holders(
        chat: Callable[..., Chat], demo_db: Database) -> None:
    """Each answer after the early filing goes to that report; its holders hear of each."""
    person = chat("sms", "+38349111222")
    person.replay(UP_TO_THE_PLACE)
    [reference] = references(person)
    person.replay(rows(
        ("2", AGE),
        ("2", SEX),
        ("1", WHAT),
        ("E ngacmon një i rritur te parku çdo mbrëmje", CONTACT),
        ("2", (ALL_ADDED, reference)),
    ))
    assert references(person) == [reference], "nothing was filed twice"
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None and not report.incomplete
        assert report.category == "sexual_abuse" and report.callback_consent
        assert report.details == {"age_band": "6-11", "sex": "girl"}
        assert report.description.startswith("E ngacmon")
        updates = session.scalars(select(OutboxMessage).where(
            OutboxMessage.report_id == report.id,
            OutboxMessage.purpose == "report_update")).all()
        # Two holders (child protection, police liaison), told of each of the five answers.
        assert len(updates) == 10
        fields = [u.payload["fields"] for u in updates if u.contact_point_id
                  == updates[0].contact_point_id]
        assert fields[0] == ["category"] and ["description"] in fields
        events = session.scalars(select(ReportEvent.kind).where(
            ReportEvent.report_id == report.id)).all()
        assert events.count("update") == 5


def test_cancel_after_the_early_filing_keeps_the_report(
        chat: Callable[..., Chat], demo_db: Database) -> None:
    """ANULO after the report went out says it stays with those who received it."""
    person = chat("sms", "+38349111222")
    person.replay(UP_TO_THE_PLACE)
    person.replay(rows(("anulo", (KEPT, MENU))))
    [reference] = references(person)
    assert report_of(demo_db, reference).status == "routed"


def test_back_does_not_reach_behind_the_early_filing(chat: Callable[..., Chat]) -> None:
    """PRAPA right after the filing cannot take back the danger or the place already sent."""
    person = chat("sms", "+38349111222")
    person.replay(UP_TO_THE_PLACE)
    person.replay(rows(("prapa", (LOCKED, CONCERN))))


def test_telegram_child_in_danger_is_filed_at_the_pin(chat: Callable[..., Chat],
                                                      demo_db: Database) -> None:
    """On Telegram, a shared pin confirmed as the place files the urgent report at once."""
    person = chat("telegram", "5550101")
    person.replay(rows(
        ("/start", MENU),
        ("[child_at_risk]", DANGER),
        ("[yes]", ("112", "129")),
        ("/location 42.6265 20.8939", "Drenas"),
        ("[yes]", (SENT_URGENT, CONCERN)),
    ))
    [reference] = references(person)
    report = report_of(demo_db, reference)
    assert report.urgent and report.location == "pin" and report.latitude == 42.6265


def test_not_in_danger_asks_the_concern_and_place_first_and_reassures(
        chat: Callable[..., Chat]) -> None:
    """Without immediate danger: concern, place, then the promise that it will reach someone."""
    chat().replay(rows(
        ("menu", MENU), ("2", DANGER), ("jo", CONCERN), ("3", WHERE),
        ("Drenas", (REASSURE, AGE)),
        ("1", SEX),
    ))


def test_an_abandoned_child_report_is_filed_by_the_worker_as_incomplete(
        chat: Callable[..., Chat], conversations: Conversations, demo_db: Database) -> None:
    """Left after the concern and the place, the report is filed when the wait expires."""
    person = chat("sms", "+38344999123")
    person.replay(rows(
        ("menu", MENU), ("2", DANGER), ("jo", CONCERN), ("3", WHERE),
        ("Drenas", (REASSURE, AGE)), ("1", SEX),
    ))
    assert not references(person)
    with demo_db.transaction() as session:
        assert file_abandoned(session, person.now + timedelta(minutes=29), conversations) == []
    with demo_db.transaction() as session:
        [reference] = file_abandoned(session, person.now + timedelta(minutes=31), conversations)
    with demo_db.transaction() as session:
        assert file_abandoned(session, person.now + timedelta(minutes=60), conversations) == []
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None and report.incomplete and not report.urgent
        assert report.category == "neglect" and report.details == {"age_band": "0-5"}
        purposes = sorted(m.purpose for m in session.scalars(select(OutboxMessage).where(
            OutboxMessage.report_id == report.id)))
        assert purposes == ["alert", "reporter_notice"]
        notice = session.scalar(select(OutboxMessage).where(
            OutboxMessage.purpose == "reporter_notice"))
        assert notice is not None and reference in notice.payload["text"]
        state = session.scalar(select(ConversationSession.state).where(
            ConversationSession.address == "+38344999123"))
        assert state is not None and state["flow"] is None
    # Writing again later starts afresh, with no second notice and no second report.
    person.replay(rows(("/wait 40", ""), ("menu", MENU)))
    assert "closed" not in person.send("1")


def test_an_abandoned_child_report_is_filed_when_the_person_writes_again_first(
        chat: Callable[..., Chat], demo_db: Database) -> None:
    """If the person writes again before the worker ran, the engine files it and says so."""
    person = chat()
    person.replay(rows(
        ("menu", MENU), ("2", DANGER), ("jo", CONCERN), ("3", WHERE), ("Drenas", AGE),
        ("/wait 31", ""),
        ("menu", (FILED_ON_LEAVING, MENU)),
    ))
    [reference] = references(person)
    assert report_of(demo_db, reference).incomplete


def test_cancelled_or_early_abandoned_reports_file_nothing(
        chat: Callable[..., Chat], conversations: Conversations, demo_db: Database) -> None:
    """ANULO files nothing; neither does a conversation left before the place was known."""
    person = chat()
    person.replay(rows(
        ("menu", MENU), ("2", DANGER), ("jo", CONCERN), ("3", WHERE), ("Drenas", AGE),
        ("anulo", "Cancelled. Nothing was sent."),
        ("menu", MENU), ("2", DANGER), ("jo", CONCERN), ("3", WHERE),
    ))
    with demo_db.transaction() as session:
        assert file_abandoned(session, person.now + timedelta(hours=2), conversations) == []
    assert not references(person)


def test_hazards_still_wait_for_the_summary(chat: Callable[..., Chat],
                                            conversations: Conversations,
                                            demo_db: Database) -> None:
    """A hazard left at its summary is not filed: its confirmation is not weakened."""
    person = chat()
    person.replay(rows(
        ("menu", MENU), ("1", "What kind of danger is it?"),
        ("1", "Where is it? Write the village or street and the municipality."),
        ("Drenas", "Describe the danger in a few words (what, exactly where)."),
        ("Gropë e hapur te rruga", SEND),
    ))
    with demo_db.transaction() as session:
        assert file_abandoned(session, person.now + timedelta(hours=2), conversations) == []
    with demo_db.session() as session:
        assert session.scalars(select(Report)).first() is None


def test_the_dashboard_and_the_alert_say_a_report_is_incomplete(
        chat: Callable[..., Chat], auth: AuthActions, demo_db: Database,
        catalogs: Catalogs) -> None:
    """A report filed before every answer is marked so on its page and in its alert."""
    person = chat("sms", "+38349111222")
    person.replay(UP_TO_THE_PLACE)
    [reference] = references(person)
    auth.login()
    page = auth.client.get(f"/reports/{reference}").get_data(as_text=True)
    assert 'class="badge incomplete"' in page and catalogs.gettext("incomplete", "sq") in page
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None
        text = "\n".join(catalogs(line, "sq") for line in alert_lines(
            report, {"event": "new_report"}, "https://example.org", "sq"))
    assert catalogs.gettext("Filed before the reporter answered every question; anything "
                            "they add will follow.", "sq") in text


NOT_KNOWN = "If you do not know where, write DON'T KNOW: it is reported all the same."
WHICH_COUNTRY = "Is the child in Kosovo or in Albania?"


def test_a_child_in_danger_whose_place_is_not_known_is_filed_by_country(
        chat: Callable[..., Chat], demo_db: Database) -> None:
    """"Nuk e di" at the place files at once, to the reporter's country (from the number)."""
    person = chat("sms", "+355691234500")
    person.replay(rows(
        ("menu", MENU), ("2", DANGER), ("po", ("129", WHERE_NOW, NOT_KNOWN)),
        ("nuk e di", (SENT_URGENT, CONCERN)),
    ))
    [reference] = references(person)
    report = report_of(demo_db, reference)
    assert report.urgent and report.municipality_id is None and report.country == "AL"
    assert report.unrouted and [r.role for r in report.routes] == ["national"]


def test_telegram_asks_the_country_of_a_place_not_known(chat: Callable[..., Chat],
                                                        demo_db: Database) -> None:
    """A Telegram chat carries no country: it is asked, and "I don't know" is an answer too."""
    person = chat("telegram", "5550202")
    person.replay(rows(
        ("/start", MENU), ("[child_at_risk]", DANGER), ("[no]", CONCERN), ("[neglect]", ""),
        ("[unknown]", WHICH_COUNTRY),
        ("Shqipëri", (REASSURE, AGE)),
        ("menu", MENU), ("[child_at_risk]", DANGER), ("[yes]", "112"),
        ("s'e di", WHICH_COUNTRY), ("nuk e di", (SENT_URGENT, CONCERN)),
    ))
    assert len(references(person)) == 1
    with demo_db.session() as session:
        report = session.scalar(select(Report))
        assert report is not None and report.country is None and report.unrouted


def test_dont_know_with_a_place_in_it_is_the_place(chat: Callable[..., Chat],
                                                   demo_db: Database) -> None:
    """"I don't know the name, near Drenas" names a place after all."""
    person = chat("sms", "+38349111333")
    person.replay(rows(
        ("menu", MENU), ("2", DANGER), ("po", WHERE_NOW),
        ("nuk e di emrin, afer Drenasit", "Drenas"), ("po", "R-"),
    ))
    [reference] = references(person)
    report = report_of(demo_db, reference)
    assert report.municipality is not None and report.municipality.name_sq == "Drenas"
