"""Every flow and global keyword as dialog tables, through the engine and the database.

Expected fragments are English msgids, checked in the language of the conversation
(Albanian by default), or literal text such as a reference or a place name.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from models import OutboxMessage, Report, ReportEvent
from models.db import Database
from tests.dialog import Chat, references, rows

MENU = "What would you like to do?"
HAZARD_KIND = "What kind of danger is it?"
HAZARD_WHERE = "Where is it? Write the village or street and the municipality."
HAZARD_PIN = ("Where is it? Share your location with the button, or write the village "
              "or street and the municipality.")
HAZARD_PHOTO = "If you can, send a photo of it. Otherwise press Skip."
HAZARD_WHAT = "Describe the danger in a few words (what, exactly where)."
DANGER = "Is the child in immediate danger right now?"
CONCERN = "What are you worried about?"
AGE = "About how old is the child?"
SEX = "Is the child a girl or a boy?"
CHILD_WHERE = "Where is the child? Write the village and the municipality."
CHILD_WHERE_NOW = "Where is the child now? Write the village and the municipality."
SENT_URGENT = "Your report {reference} has been sent as URGENT to {targets}."
ALL_ADDED = "Thank you. Everything you told us has been added to report {reference}."
CHILD_WHAT = "Describe what you saw or know. Please do not write the child's full name."
CONTACT = ("May the social worker contact you here for more details? "
           "Your name is never shared with anyone else.")
SITUATION = "What is the pupil's situation?"
CLASS = "Which class? For example 7A."
PUPIL = "The pupil's initials (for example AK) or EMIS pupil id. Never the full name."
DAYS = "How many school days has the pupil missed?"
REASON = "What is the reason, if known? Choose a number, or write it in a few words."
SEND = "Send it?"
FOUND = "I found: {place}. Is that right?"
PUPIL_ERROR = ("Please write only the pupil's initials (for example AK) or the EMIS pupil id, "
               "never the full name.")
NOT_A_TEACHER = ("Only registered teachers can flag a school dropout from this service. "
                 "If you are a teacher, ask your school director to register your number.")
ELSEWHERE = ("To reach a school, please call its office. If a child is at risk, "
             "you can report it here: choose \u201cReport a child at risk\u201d.")
CANCELLED = "Cancelled. Nothing was sent."
OPTIONS = ("I did not understand that. Please answer with the number of one of the options "
           "below, for example 1.")
UNREADABLE = ("I can only read text here, not stickers, voice messages or files. Please press "
              "one of the buttons below, or write the answer in a few words.")

HAZARD_BY_SMS = rows(
    ("Tung", MENU),
    ("1", HAZARD_KIND),
    ("1", HAZARD_WHERE),
    ("Drenas", HAZARD_WHAT),
    ("Pusetë pa kapak te rruga kryesore", ("Drenas", SEND)),
    ("po", ("R-", "Drenas")),
)


def test_hazard_by_sms(chat: Callable[..., Chat], demo_db: Database) -> None:
    """A hazard typed by SMS is filed, routed to public services, with one alert queued."""
    person = chat()
    person.replay(HAZARD_BY_SMS)
    [reference] = references(person)
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None
        assert (report.kind, report.category, report.status) == ("hazard", "open_pit", "routed")
        assert report.municipality is not None and report.municipality.name_sq == "Drenas"
        assert report.anonymous and not report.unrouted
        assert [r.role for r in report.routes] == ["public_services"]
        alerts = session.scalars(select(OutboxMessage).where(
            OutboxMessage.report_id == report.id)).all()
        assert [a.purpose for a in alerts] == ["alert"]
        events = session.scalars(select(ReportEvent).where(
            ReportEvent.report_id == report.id).order_by(ReportEvent.id)).all()
        assert [(e.from_status, e.to_status) for e in events] == [
            (None, "received"), ("received", "routed")]


def test_hazard_by_telegram_with_pin_and_photo(chat: Callable[..., Chat],
                                               demo_db: Database) -> None:
    """A Telegram pin inside Drenas is placed by its boundary and confirmed; the photo is kept."""
    person = chat("telegram", "5550001")
    person.replay(rows(
        ("/start", MENU),
        ("[hazard]", HAZARD_KIND),
        ("[stray_dogs]", HAZARD_PIN),
        ("/location 42.6265 20.8939", ("Drenas", FOUND)),
        ("[yes]", HAZARD_PHOTO),
        ("/photo AgACAgQ", HAZARD_WHAT),
        ("Një tufë qensh te shkolla", SEND),
        ("[send]", "R-"),
    ))
    [reference] = references(person)
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None and report.latitude == 42.6265
        assert [a.file_id for a in report.attachments] == ["AgACAgQ"]


CHILD_IN_DANGER = rows(
    ("menu", MENU),
    ("2", DANGER),
    ("PO", ("112", "192", CHILD_WHERE_NOW)),
    ("prishtinë", ("R-", "Prishtinë", SENT_URGENT, CONCERN)),
    ("1", AGE),
    ("2", SEX),
    ("3", CHILD_WHAT),
    ("Fqinji e rrah djalin çdo natë", CONTACT),
    ("2", ("R-", ALL_ADDED)),
)


def test_child_in_danger_is_urgent_and_shows_numbers_first(
        chat: Callable[..., Chat], demo_db: Database) -> None:
    """"Yes" shows Kosovo's numbers before anything else and files an urgent report."""
    person = chat("sms", "+38349111222")
    replies = person.replay(CHILD_IN_DANGER)
    where = person.catalogs.gettext(CHILD_WHERE_NOW, "sq")
    assert replies[2].index("112") < replies[2].index(where)
    [reference] = references(person)
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None and report.urgent and report.callback_consent
        assert sorted(r.role for r in report.routes) == ["child_protection", "police_liaison"]
        assert report.details == {"age_band": "6-11", "sex": "unknown"}


def test_emergency_numbers_follow_the_country(chat: Callable[..., Chat]) -> None:
    """An Albanian number sees Albania's numbers; a Telegram chat sees both countries'."""
    chat("sms", "+355691234567").replay(rows(
        ("menu", MENU), ("2", DANGER), ("po", ("129", "116 111"))))
    both = chat("telegram", "5550002").replay(rows(
        ("menu", MENU), ("[child_at_risk]", DANGER), ("[yes]", ("192", "129")),
    ))
    assert both


def test_change_an_answer_from_the_summary(chat: Callable[..., Chat],
                                           demo_db: Database) -> None:
    """At the summary the reporter goes back, fixes one answer, and sends the fixed report."""
    person = chat()
    person.replay(rows(
        ("menu", MENU), ("1", HAZARD_KIND), ("3", HAZARD_WHERE), ("Gllogoc", HAZARD_WHAT),
        ("Mbeturina pranë lumit", SEND),
        ("ndrysho", "Which answer do you want to change?"),
        ("1", HAZARD_KIND),
        ("2", SEND),
        ("dergo", "R-"),
    ))
    [reference] = references(person)
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None and report.category == "riverbed"


def test_back_goes_one_question_back(chat: Callable[..., Chat]) -> None:
    """PRAPA forgets the last answer and asks it again."""
    chat().replay(rows(
        ("menu", MENU), ("2", DANGER), ("jo", CONCERN), ("1", CHILD_WHERE),
        ("prapa", CONCERN), ("Prapa", DANGER), ("prapa", ("This is the first question.", DANGER)),
    ))


def test_dropout_guided(chat: Callable[..., Chat], teacher_phone: str,
                        demo_db: Database) -> None:
    """A registered teacher flags a dropout step by step; it goes to the school's team."""
    person = chat("sms", teacher_phone)
    person.replay(rows(
        ("menu", "Flag a school dropout (teachers)"),
        ("3", SITUATION),
        ("1", CLASS),
        ("7 a", PUPIL),
        ("Arben Krasniqi", (PUPIL_ERROR, PUPIL)),
        ("A.K.", DAYS),
        ("400", DAYS),
        ("12", REASON),
        ("5", SEND),
        ("po", ("R-", "the dropout prevention team at the school")),
    ))
    [reference] = references(person)
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None and report.school is not None
        assert report.details["class"] == "7A" and report.details["pupil"] == "AK"
        assert report.details["days_absent"] == 12 and report.details["reason"] == "poverty"
        assert [r.role for r in report.routes] == ["dropout_team"]


def test_dropout_in_one_message(chat: Callable[..., Chat], teacher_phone: str) -> None:
    """BRAKTISJE 7A AK 12 files at once and answers with the reference."""
    person = chat("sms", teacher_phone)
    [reply] = person.replay(rows(("BRAKTISJE 7A AK 12", "R-")))
    assert len(person.turns[-1].replies) == 1 and references(person)


def test_dropout_one_message_asks_what_is_missing(chat: Callable[..., Chat],
                                                  teacher_phone: str) -> None:
    """A one-line flag missing a field asks for it, then files without more questions."""
    person = chat("sms", teacher_phone)
    person.replay(rows(
        ("mungese 8b", PUPIL),
        ("EB", DAYS),
        ("5", REASON),
        ("semundje", SEND),
        ("po", "R-"),
    ))


def test_dropout_refused_to_non_teachers(chat: Callable[..., Chat]) -> None:
    """A number that is not a registered teacher is told how else to help."""
    person = chat("sms", "+38344555666")
    person.replay(rows(("BRAKTISJE 7A AK 12", (NOT_A_TEACHER, ELSEWHERE, MENU))))
    assert not references(person)


def test_status_of_my_report_only(chat: Callable[..., Chat]) -> None:
    """STATUS shows the reporter's own report; someone else's reference is simply not found."""
    owner = chat()
    owner.replay(HAZARD_BY_SMS)
    [reference] = references(owner)
    owner.replay(rows(
        (f"status {reference.lower()}",
         (reference, "It has been sent to {who} and is waiting to be taken up.")),
        ("Statusi", reference),
    ))
    other = chat("sms", "+38344777888")
    other.replay(rows((f"STATUS {reference}", (reference, MENU))))
    assert "shërbimet publike" not in other.send(f"status {reference}")


def test_help_and_cancel_work_at_any_step(chat: Callable[..., Chat]) -> None:
    """NDIHME repeats the question after the help; ANULO drops the draft."""
    chat().replay(rows(
        ("menu", MENU), ("2", DANGER), ("jo", CONCERN),
        ("ndihmë", ("112", CONCERN)),
        ("NDIHME", CONCERN),
        ("Anulo", (CANCELLED, MENU)),
        ("anulo", ("There is nothing to cancel.", MENU)),
    ))


def test_language_choice(chat: Callable[..., Chat]) -> None:
    """GJUHA offers three languages; the choice holds for later messages."""
    person = chat()
    person.replay(rows(
        ("gjuha", "Choose your language:"),
        ("2", ("From now on I will write in English.", MENU)),
        ("1", HAZARD_KIND),
    ))
    assert person.turns[-1].language == "sr"
    person.replay(rows(("jezik en", ("From now on I will write in English.", HAZARD_KIND))))
    assert person.turns[-1].language == "en"


def test_telegram_language_code_picks_the_language(chat: Callable[..., Chat]) -> None:
    """A first message from a phone set to English is answered in English."""
    person = chat("telegram", "5550003", language_hint="en-GB")
    assert "What would you like to do?" in person.send("/start")


def test_idle_conversation_expires(chat: Callable[..., Chat]) -> None:
    """After 30 idle minutes the next message says so and starts afresh."""
    chat().replay(rows(
        ("menu", MENU), ("1", HAZARD_KIND),
        ("/wait 31", ""),
        ("1", ("30", MENU)),
    ))


def test_ambiguous_village_is_asked_back(chat: Callable[..., Chat]) -> None:
    """A village name found in several municipalities is offered as a short list."""
    chat().replay(rows(
        ("menu", MENU), ("1", HAZARD_KIND), ("4", HAZARD_WHERE),
        ("Novo Selo", ("Which place do you mean?", "Prishtinë", "Malishevë")),
        ("9", "Which place do you mean?"),
    ))


def test_village_is_confirmed(chat: Callable[..., Chat]) -> None:
    """A village from the settlements file is named with its municipality and confirmed."""
    chat().replay(rows(
        ("menu", MENU), ("1", HAZARD_KIND), ("4", HAZARD_WHERE),
        ("Komoran", ("Komoran, Drenas", FOUND)),
        ("jo", "Then please write the name of the municipality."),
        ("Gllogovc", HAZARD_WHAT),
    ))


def test_a_repeated_message_id_has_one_effect(chat: Callable[..., Chat], teacher_phone: str,
                                              demo_db: Database) -> None:
    """The same channel message id twice gets the same reply and files once."""
    person = chat("sms", teacher_phone)
    first = person.send("BRAKTISJE 7A AK 12", external_id="SM1")
    again = person.send("BRAKTISJE 7A AK 12", external_id="SM1")
    assert first == again and "R-" in first and person.turns[-1].duplicate
    assert len(references(person)) == 1
    with demo_db.session() as session:
        assert len(session.scalars(select(Report)).all()) == 1


def test_one_message_forms_of_every_situation(chat: Callable[..., Chat], teacher_phone: str,
                                              demo_db: Database) -> None:
    """The README's one-line examples each file at once, with the situation and reason read."""
    person = chat("sms", teacher_phone)
    person.replay(rows(
        ("MUNGESE 8B EB 5", "R-"),
        ("PAREGJISTRUAR 1A DK", "R-"),
        ("RREZIK 9C LM 3 pune", "R-"),
    ))
    with demo_db.session() as session:
        filed = {r.category: r.details for r in session.scalars(select(Report))}
    assert set(filed) == {"absence", "not_enrolled", "at_risk"}
    assert filed["at_risk"]["reason"] == "work" and filed["not_enrolled"]["days_absent"] is None
