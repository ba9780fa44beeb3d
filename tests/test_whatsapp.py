"""WhatsApp through Twilio: dialog tables over the signed webhook, pins, photos, STOP, retries."""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from twilio.request_validator import RequestValidator

from locales import Catalogs
from models import Attachment, Contact, ProcessedInbound, Report
from models.accounts import save_user
from models.db import Database, get_db
from service.render import RenderedReply
from sms.whatsapp_render import LIMIT, whatsapp_messages
from tests.conftest import PASSWORD, AuthActions
from tests.dialog import rows
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, running_fake
from tests.test_dialogs import (
    AGE,
    CHILD_WHAT,
    CONCERN,
    CONTACT,
    DANGER,
    FOUND,
    HAZARD_KIND,
    HAZARD_WHAT,
    MENU,
    SEND,
    SENT_URGENT,
)
from tests.whatsapp_actions import JPEG, PUBLIC, SANDBOX, WhatsAppActions

PHONE = "+38344777001"
HAZARD_WHERE = "Where is it? Write the village or street and the municipality."
PIN_HINT = "You can also send your location: tap 📎 and choose Location."
PHOTO = "If you can, send a photo of it. Otherwise press Skip."
NUMBERS_ONLY = ("I can only read text here, not stickers, voice messages or files. "
                "Please answer with one of the numbers, or in a few words.")
STOPPED = "You will get no more messages from Sinjalizo. To start again, write START."
RESTARTED = "Messages from Sinjalizo are on again. Write MENU to start."
CHILD_WHERE_NOW = "Where is the child now? Write the village and the municipality."
SEX = "Is the child a girl or a boy?"
ALL_ADDED = "Thank you. Everything you told us has been added to report {reference}."

# A hazard by WhatsApp: a pin in Drenas, a voice note where a choice was asked, a photo.
HAZARD_BY_WHATSAPP = rows(
    ("Përshëndetje", MENU),
    ("1", HAZARD_KIND),
    ("/audio", NUMBERS_ONLY),
    ("/sticker", NUMBERS_ONLY),
    ("1", (HAZARD_WHERE, PIN_HINT)),
    ("/location 42.6265 20.8939", ("Drenas", FOUND)),
    ("po", PHOTO),
    ("/photo", HAZARD_WHAT),
    ("Pusetë pa kapak para shkollës, fëmijët kalojnë çdo ditë", ("Drenas", SEND)),
    ("po", ("R-", "Drenas")),
)
# A child at risk, answered as people answer: words, numbers, a sentence.
CHILD_BY_WHATSAPP = rows(
    ("mirëdita", MENU),
    ("2", DANGER),
    ("po", ("112", "192", CHILD_WHERE_NOW)),
    ("prishtinë", ("R-", "Prishtinë", SENT_URGENT, CONCERN)),
    ("babai e rrah çdo natë", AGE),
    ("rreth 10 vjeç", SEX),
    ("djalë", CHILD_WHAT),
    ("E kam parë me shenja në krahë, lyp para xhamisë", CONTACT),
    ("jo", ("R-", ALL_ADDED)),
)


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """Yield a fake Twilio REST API (messages and media) on a loopback port."""
    with running_fake() as server:
        yield server


@pytest.fixture
def wa_app(demo_db: Database, database_url: str, twilio: FakeTwilio) -> Iterator[Flask]:
    """Yield the web app with Twilio's WhatsApp configured, pointed at the fake."""
    from web import create_app

    with demo_db.transaction() as session:
        save_user(session, "admin@example.org", PASSWORD, "admin", None, None)
    application = create_app({
        "DATABASE_URL": database_url, "TESTING": True, "PUBLIC_BASE_URL": PUBLIC,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_API_BASE": twilio.base, "TWILIO_WHATSAPP_FROM": SANDBOX})
    yield application
    get_db(application).dispose()


@pytest.fixture
def wa(wa_app: Flask, catalogs: Catalogs, twilio: FakeTwilio) -> WhatsAppActions:
    """Return a signed-WhatsApp helper."""
    return WhatsAppActions(wa_app.test_client(), catalogs, twilio)


def only_report(db: Database) -> Report:
    """Return the one report filed, with what the assertions read loaded."""
    with db.session() as session:
        [report] = session.scalars(select(Report)).all()
        session.expunge(report)
        return report


def test_a_hazard_with_pin_and_photo_over_whatsapp(wa: WhatsAppActions, demo_db: Database,
                                                  twilio: FakeTwilio) -> None:
    """The pin places the hazard, the image is its photo, and replies keep ë and ç."""
    answers = wa.replay(HAZARD_BY_WHATSAPP, PHONE)
    assert any("ë" in answer for answer in answers), "WhatsApp text is not shaped to GSM-7"
    assert "1) " in answers[1], "options are numbered"
    with demo_db.session() as session:
        report = session.scalar(select(Report))
        assert report is not None
        assert (report.kind, report.category, report.location) == ("hazard", "open_pit", "pin")
        assert (report.latitude, report.longitude) == pytest.approx((42.6265, 20.8939))
        [photo] = session.scalars(select(Attachment)).all()
        assert photo.channel == "whatsapp"
        assert photo.file_id.startswith("https://api.twilio.com/2010-04-01/Accounts/")
        contact = session.scalar(select(Contact).where(Contact.id == report.reporter_contact_id))
        assert contact is not None
        assert (contact.channel, contact.address) == ("whatsapp", PHONE)
        assert contact.last_inbound_at is not None


def hazard_with_photo(wa: WhatsAppActions, db: Database) -> tuple[Report, int]:
    """Report a hazard with a photo over WhatsApp; return the report and the photo's id."""
    wa.replay(HAZARD_BY_WHATSAPP, PHONE)
    report = only_report(db)
    with db.session() as session:
        photo_id = session.scalar(select(Attachment.id))
    assert photo_id is not None
    return report, photo_id


def test_the_photo_is_fetched_from_twilio_with_the_credentials(
        wa: WhatsAppActions, wa_app: Flask, demo_db: Database, twilio: FakeTwilio) -> None:
    """On the case page the WhatsApp photo is fetched with basic auth and shown to staff."""
    report, photo_id = hazard_with_photo(wa, demo_db)
    auth = AuthActions(wa_app.test_client())
    auth.login()
    page = auth.client.get(f"/reports/{report.reference}").get_data(as_text=True)
    url = f"/reports/{report.reference}/attachments/{photo_id}"
    assert url in page
    response = auth.client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response.data == JPEG and response.mimetype == "image/jpeg"
    # Asked with the credentials (a 401 would show), then from the media store.
    assert [status for _, status in twilio.media_fetches] == [307, 200]
    # Without a sign-in nobody sees it.
    assert wa_app.test_client().get(url).status_code != HTTPStatus.OK


def test_a_published_whatsapp_photo_is_public_and_in_open311(
        wa: WhatsAppActions, wa_app: Flask, demo_db: Database, twilio: FakeTwilio) -> None:
    """Once staff publish it, the WhatsApp photo is served on /hazards and is Open311's media."""
    report, photo_id = hazard_with_photo(wa, demo_db)
    public = wa_app.test_client()
    url = f"/hazards/{report.reference}/photos/{photo_id}"
    assert public.get(url).status_code == HTTPStatus.NOT_FOUND, "not published yet"
    auth = AuthActions(wa_app.test_client())
    auth.login()
    case = f"/reports/{report.reference}"
    auth.post(f"{case}/public/photos/{photo_id}", {"publish": "1"}, page=case)
    assert url in public.get("/hazards").get_data(as_text=True)
    served = public.get(url)
    assert served.status_code == HTTPStatus.OK
    assert served.data == JPEG and served.mimetype == "image/jpeg"
    assert "public" in served.headers["Cache-Control"]
    assert [status for _, status in twilio.media_fetches] == [307, 200]
    [listed] = public.get(f"/open311/v2/requests/{report.reference}.json").get_json()
    assert listed["media_url"] == PUBLIC + url
    assert public.get(listed["media_url"].removeprefix(PUBLIC)).data == JPEG


def test_a_child_at_risk_over_whatsapp(wa: WhatsAppActions, demo_db: Database) -> None:
    """A child in danger is filed as urgent at once, and each answer adds to it."""
    wa.replay(CHILD_BY_WHATSAPP, "+38349555010")
    report = only_report(demo_db)
    assert (report.kind, report.category, report.urgent) == ("child_at_risk", "violence", True)
    assert report.details["age_band"] and report.details["sex"] == "boy"
    assert report.description.startswith("E kam parë me shenja")


def test_a_retried_message_sid_is_answered_once(wa: WhatsAppActions,
                                                demo_db: Database) -> None:
    """Twilio's retry of a message gets the same reply, and files nothing twice."""
    for said in ("menu", "2", "po"):
        wa.send(said, PHONE)
    first = wa.send("prishtinë", PHONE, sid="SM" + "7" * 32)
    again = wa.send("prishtinë", PHONE, sid="SM" + "7" * 32)
    assert first == again and "R-" in first[0]
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1
        assert session.scalar(select(func.count()).select_from(ProcessedInbound).where(
            ProcessedInbound.external_id == "SM" + "7" * 32)) == 1


@pytest.mark.parametrize("signature", ["", "forged+signature=", "other-token"])
def test_a_forged_signature_is_refused(wa: WhatsAppActions, demo_db: Database,
                                       signature: str) -> None:
    """A request not signed with the auth token gets 403 and changes nothing."""
    if signature == "other-token":
        form = wa.form("menu", PHONE, "SMforged")
        signature = RequestValidator("other-token").compute_signature(
            PUBLIC + "/whatsapp/inbound", form)
    response = wa.post("menu", PHONE, sid="SMforged", signature=signature)
    assert response.status_code == HTTPStatus.FORBIDDEN
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_stop_and_start(wa: WhatsAppActions, demo_db: Database) -> None:
    """STOP silences the WhatsApp number until START, as on SMS."""
    wa.replay(rows(("menu", MENU), ("STOP", STOPPED)), PHONE)
    assert wa.send("menu", PHONE) == []
    wa.replay(rows(("START", RESTARTED), ("menu", MENU)), PHONE)
    with demo_db.session() as session:
        contact = session.scalar(select(Contact).where(Contact.channel == "whatsapp"))
        assert contact is not None and not contact.opted_out and contact.address == PHONE


def test_the_sms_webhook_takes_a_whatsapp_sender(wa: WhatsAppActions,
                                                 demo_db: Database) -> None:
    """A `whatsapp:` sender on /sms/inbound is a WhatsApp conversation, answered as such."""
    wa.path = "/sms/inbound"
    [answer] = wa.send("Përshëndetje", PHONE)
    assert "ë" in answer and "1) " in answer
    with demo_db.session() as session:
        channels = session.scalars(select(Contact.channel)).all()
    assert channels == ["whatsapp"]


def test_a_long_turn_is_split_between_lines() -> None:
    """Replies longer than a WhatsApp message are split at lines, never mid-word."""
    line = "Fëmija " + "shumë " * 40
    reply = RenderedReply(tuple(line for _ in range(12)), (("a", "Po"), ("b", "Jo")))
    messages = whatsapp_messages([reply, RenderedReply(("Faleminderit!",))])
    assert len(messages) == 2 and all(len(m) <= LIMIT for m in messages)
    assert "\n".join(messages).replace("\n\n", "\n").split("\n") == [
        line.strip() for _ in range(12)] + ["1) Po", "2) Jo", "Faleminderit!"]
    assert whatsapp_messages([RenderedReply(("x" * 4000,))]) == ["x" * LIMIT] * 2 + ["x" * 800]


def test_statements_per_whatsapp_turn(wa: WhatsAppActions, wa_app: Flask,
                                      teacher_phone: str) -> None:
    """Recording when the person wrote adds no statement: WhatsApp turns keep SMS's limits."""
    from service.places import PlaceIndex
    from tests.test_turn_statements import FILED, NOTHING_FILED, Statements
    from web import get_conversations

    get_conversations(wa_app).places = PlaceIndex(clock=lambda: 0.0)
    statements = Statements()
    engine = get_db(wa_app).engine
    assert engine is not None
    backend = engine.dialect.name
    wa.send("BRAKTISJE 7A AK 12", teacher_phone)  # warm up the caches
    wa.send("Tung", "+38344999100")
    event.listen(engine, "before_cursor_execute", statements)
    try:
        filing, answer = statements.during(lambda: wa.send("MUNGESE 8B EB 5", teacher_phone))
        first, _ = statements.during(lambda: wa.send("Tung", "+38344999101"))
        second, _ = statements.during(lambda: wa.send("1", "+38344999101"))
    finally:
        event.remove(engine, "before_cursor_execute", statements)
    assert "R-" in answer[0]
    assert filing <= FILED[backend], f"a filing turn took {filing} statements"
    assert first <= NOTHING_FILED, f"a first message took {first} statements"
    assert second <= NOTHING_FILED, f"a second message took {second} statements"
