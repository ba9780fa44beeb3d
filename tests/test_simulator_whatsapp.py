"""The simulator's WhatsApp pane: the WhatsApp webhook's path, its reports simulated and private."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from alerts.deadlines import Deadlines
from alerts.escalation import escalate_due
from locales import Catalogs
from models import Attachment, AuditEntry, ConversationSession, OutboxMessage, Report, School
from models.db import Database
from models.service_imports import import_services
from service.conversation import Conversations
from sms import optout
from sms.whatsapp_render import LIMIT
from sms.whatsapp_turn import answer_whatsapp, parse_whatsapp
from tests.conftest import AuthActions
from tests.dialog import Chat, Row, rows
from tests.test_dialogs import MENU
from tests.test_find_help import AGAIN, FOUND_FOR, WHERE
from tests.test_simulator import bubbles, pane, say
from tests.test_whatsapp import HAZARD_BY_WHATSAPP, NUMBERS_ONLY
from web.simulator_panes import PHOTO

REFERENCE = re.compile(r"R-[0-9A-Z]{6}")
LANGUAGE, LANGUAGES = "Choose your language:", "\n1) Shqip\n2) Srpski\n3) English"
SERBIAN = "From now on I will write in English."  # "…in Serbian", as the catalog says it
# What each line of a dialog table is in the pane's forms.
MEDIA = {"/photo": {"photo": "1"}, "/sticker": {"media": "sticker"}, "/audio": {"media": "voice"}}


def fields(said: str) -> dict[str, str]:
    """Return the pane's form fields for one line of a WhatsApp dialog table."""
    words = said.split()
    if words[:1] == ["/location"]:
        return {"lat": words[1], "lon": words[2]}
    if words[:1] and words[0] in MEDIA:
        return {**MEDIA[words[0]], "text": " ".join(words[1:])}
    return {"text": said}


def replay(auth: AuthActions, table: Sequence[Row], checker: Chat,
           language: str = "sq") -> list[list[str]]:
    """Play a dialog table in the WhatsApp pane, checking each answer; return each turn's bubbles.

    `checker` only reads each expected msgid in the conversation's language.
    """
    turns: list[list[str]] = []
    seen = 0
    for said, wanted in table:
        shown = bubbles(pane(say(auth, "whatsapp", **fields(said)), "whatsapp"))
        answer = [text for who, text in shown[seen:] if who == "bot"]
        seen = len(shown)
        for fragment in (wanted,) if isinstance(wanted, str) else wanted:
            assert checker.expects("\n".join(answer), fragment, language), (
                f"after {said[:60]!r} expected {fragment!r} in:\n{answer}")
        turns.append(answer)
    return turns


def webhook_answers(conversations: Conversations, table: Sequence[Row],
                    phone: str) -> list[list[str]]:
    """Play a table through the WhatsApp webhook's own parser and turn; return the bodies."""
    kinds = {"/photo": "image/jpeg", "/sticker": "image/webp", "/audio": "audio/ogg"}
    answers = []
    for number, (said, _) in enumerate(table):
        sid, words = f"SM{number:032d}", said.split()
        form = {"From": f"whatsapp:{phone}", "MessageSid": sid, "Body": said}
        if words[:1] == ["/location"]:
            form.update(Body="", Latitude=words[1], Longitude=words[2])
        elif words[:1] and words[0] in kinds:
            form.update(Body=" ".join(words[1:]), NumMedia="1", MediaContentType0=kinds[words[0]],
                        MediaUrl0=f"https://api.twilio.com/2010-04-01/Accounts/AC1/Media/{sid}")
        message, message_id = parse_whatsapp(form, datetime.now(UTC))
        answers.append(list(answer_whatsapp(conversations, message, message_id).bodies))
    return answers


def file_hazard(auth: AuthActions, checker: Chat, db: Database) -> Report:
    """File the WhatsApp hazard table in the pane; return the report, loaded."""
    auth.login()
    replay(auth, HAZARD_BY_WHATSAPP, checker)
    with db.session() as session:
        report = session.scalars(select(Report)).one()
        session.expunge(report)
    return report


def test_whatsapp_pane_files_a_simulated_hazard(auth: AuthActions, demo_db: Database,
                                               catalogs: Catalogs,
                                               chat: Callable[..., Chat]) -> None:
    """Pin, sticker, voice note and photo as on WhatsApp; the report is simulated, unalerted."""
    auth.login()
    turns = replay(auth, HAZARD_BY_WHATSAPP, chat())
    page = pane(auth.client.get("/simulator/").get_data(as_text=True), "whatsapp")
    with demo_db.session() as session:
        report = session.scalars(select(Report)).one()
        assert report.simulated and (report.kind, report.category) == ("hazard", "open_pit")
        assert (report.channel, report.location, report.latitude) == ("whatsapp", "pin", 42.6265)
        assert [(a.channel, a.file_id) for a in report.attachments] == [("whatsapp", PHOTO)]
        assert not session.scalar(select(func.count()).select_from(OutboxMessage))
        [address] = session.scalars(select(ConversationSession.address).where(
            ConversationSession.channel == "whatsapp"))
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "simulator")).all()
        photo = report.attachments[0].id
    assert address.startswith("+383000") and address in page
    assert {e.detail["pane"] for e in audit} == {"whatsapp"} and len(audit) == len(turns)
    assert audit[-1].detail["filed"] == [report.reference]
    assert turns[2] == turns[3] and turns[3][0].startswith(catalogs.gettext(NUMBERS_ONLY, "sq"))
    assert "\n1) " in turns[1][0] and any("ë" in body for turn in turns for body in turn)
    assert all(len(body) <= LIMIT for turn in turns for body in turn)
    assert "\U0001f4cd 42.62650, 20.89390" in page and "\U0001f9f8" in page
    assert f"{len(turns[-1][0])} shenja" in page and "GSM-7" not in page  # Albanian UI
    shown = auth.client.get(f"/reports/{report.reference}/attachments/{photo}")
    assert shown.status_code == 200 and shown.mimetype == "image/svg+xml"


def test_the_pane_shows_what_the_webhook_sends(auth: AuthActions, demo_db: Database,
                                              conversations: Conversations,
                                              chat: Callable[..., Chat]) -> None:
    """Every reply in the pane is the WhatsApp body Twilio's webhook answers, split alike."""
    auth.login()
    pane_turns = replay(auth, HAZARD_BY_WHATSAPP, chat())
    webhook_turns = webhook_answers(conversations, HAZARD_BY_WHATSAPP, "+38344777009")

    def masked(turns: list[list[str]]) -> list[list[str]]:
        """Return the turns with each report's reference replaced."""
        return [[REFERENCE.sub("R-XXXXXX", body) for body in turn] for turn in turns]

    assert masked(pane_turns) == masked(webhook_turns)


def test_a_simulated_whatsapp_report_alerts_nobody_and_stays_private(
        auth: AuthActions, demo_db: Database, chat: Callable[..., Chat]) -> None:
    """Nobody is alerted, escalated to or updated; no public page or Open311 answer shows it."""
    report = file_hazard(auth, chat(), demo_db)
    case, reference = f"/reports/{report.reference}", report.reference
    with demo_db.transaction() as session:
        assert escalate_due(session, datetime.now(UTC) + timedelta(days=30),
                            Deadlines.load(None)) == 0
    auth.post(f"{case}/status", {"status": "resolved", "note": "U mbulua."}, page=case)
    refused = auth.post(f"{case}/public/description", {"description": "Pusetë"}, page=case)
    assert refused.status_code == 404
    with demo_db.transaction() as session:
        assert session.scalar(select(Report.status).where(Report.id == report.id)) == "resolved"
        assert not session.scalar(select(func.count()).select_from(OutboxMessage))
        # Even approved by mistake, a simulated hazard must stay off every public answer.
        stored = session.get(Report, report.id)
        assert stored is not None
        stored.public_description, stored.public_approved_at = "Pusetë", datetime.now(UTC)
        photo = session.scalars(select(Attachment)).one()
        photo.public = True
        photo_id = photo.id
    public = auth.client.application.test_client()
    for path in ("/hazards", "/hazards?lang=en", "/hazards?category=open_pit",
                 "/open311/v2/requests.json", "/open311/v2/requests.xml",
                 "/open311/v2/requests.json?service_code=open_pit"):
        response = public.get(path)
        assert response.status_code == 200, path
        assert reference not in response.get_data(as_text=True), path
    for path in (f"/open311/v2/requests/{reference}.json",
                 f"/open311/v2/requests/{reference}.xml",
                 f"/hazards/{reference}/photos/{photo_id}"):
        assert public.get(path).status_code == 404, path


def long_services(db: Database, folder: Path) -> None:
    """Import five Drenas services whose names, addresses and hours run long."""
    rows = ["name,provider,municipality,needs,phone,address,hours,languages"] + [
        f"Qendra e këshillimit psikologjik për fëmijë dhe familje nr. {n} në Drenas {'ë' * 60},"
        f"Shoqata për mbrojtjen e fëmijëve dhe të rinjve të komunës së Drenasit {'ç' * 60},"
        f"Drenas,psychosocial,044 777 81{n},"
        f"\"Rruga e Dëshmorëve të Kombit, ndërtesa e vjetër e komunës, kati i dytë, {'x' * 90}\","
        f"E hënë deri të premten nga ora 08:00 deri në 16:00 dhe të shtunën {'y' * 40},sq;sr"
        for n in range(5)]
    path = folder / "services.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with db.transaction() as session:
        result = import_services(session, path)
    assert result.ok and result.added == 5, result.errors


def test_a_long_turn_is_split_as_on_whatsapp(auth: AuthActions, demo_db: Database,
                                            conversations: Conversations,
                                            chat: Callable[..., Chat], tmp_path: Path) -> None:
    """Five long services are more than one WhatsApp message: split as Twilio gets them."""
    long_services(demo_db, tmp_path)
    auth.login()
    table = rows(("SHERBIME psikolog", WHERE), ("Drenas", (FOUND_FOR, "nr. 4", AGAIN)))
    turns = replay(auth, table, chat())
    assert len(turns[-1]) >= 2 and all(len(body) <= LIMIT for body in turns[-1])
    assert sum(len(body) for body in turns[-1]) > LIMIT and "ë" in turns[-1][0]
    assert turns == webhook_answers(conversations, table, "+38344777008")


def test_stop_language_and_start_again(auth: AuthActions, demo_db: Database,
                                       catalogs: Catalogs) -> None:
    """STOP silences the pane's number until START, ë kept; the language changes; restart."""
    auth.login()
    say(auth, "whatsapp", text="Tung")
    page = pane(say(auth, "whatsapp", text="STOP"), "whatsapp")
    assert bubbles(page)[-1] == ("bot", catalogs(optout.STOPPED, "sq"))
    page = pane(say(auth, "whatsapp", text="menu"), "whatsapp")
    assert bubbles(page)[-1] == ("mine", "menu")
    page = pane(say(auth, "whatsapp", text="START"), "whatsapp")
    assert bubbles(page)[-1] == ("bot", catalogs(optout.RESTARTED, "sq"))
    old = re.search(r"\+383000\d{9}", page)
    assert old
    page = pane(say(auth, "whatsapp", text="gjuha"), "whatsapp")
    assert bubbles(page)[-1] == ("bot", catalogs.gettext(LANGUAGE, "sq") + LANGUAGES)
    page = pane(say(auth, "whatsapp", text="srpski"), "whatsapp")
    answer = bubbles(page)[-1][1]
    assert answer.startswith(catalogs.gettext(SERBIAN, "sr") + "\n\n")
    assert catalogs.gettext(MENU, "sr") in answer and "Šta želite" in answer, "š and ž kept"
    auth.post("/simulator/restart", {}, page="/simulator/")
    after = auth.client.get("/simulator/").get_data(as_text=True)
    fresh = pane(after, "whatsapp")
    assert old.group(0) not in after and '<li class="mine">' not in fresh
    assert re.search(r"\+383000\d{9}", fresh)


def test_twice_sent_teacher_and_bad_forms(auth: AuthActions, demo_db: Database) -> None:
    """A form sent twice counts once; a teacher's dropout is simulated; bad pins are 400."""
    auth.login()
    nonce = secrets.token_hex(8)
    say(auth, "whatsapp", nonce, text="Tung")
    page = pane(say(auth, "whatsapp", nonce, text="Tung"), "whatsapp")
    assert page.count('<li class="mine">') == 1
    empty = pane(say(auth, "whatsapp", text="  "), "whatsapp")
    assert empty.count('<li class="mine">') == 1
    with demo_db.session() as session:
        school = session.scalars(select(School).where(School.code.like("%DRENAS%"))).one()
    auth.post("/simulator/teacher", {"school": str(school.id)}, page="/simulator/")
    page = pane(say(auth, "whatsapp", text="BRAKTISJE 7A AK 12"), "whatsapp")
    with demo_db.session() as session:
        report = session.scalars(select(Report)).one()
        assert (report.kind, report.school_id, report.simulated, report.channel) == (
            "dropout", school.id, True, "whatsapp")
        assert not session.scalar(select(func.count()).select_from(OutboxMessage))
    assert report.reference in page
    for bad in ({"lat": "nan", "lon": "20"}, {"lat": "91", "lon": "20"}, {"lat": "x", "lon": ""}):
        form = {"pane": "whatsapp", "nonce": secrets.token_hex(8), **bad}
        assert auth.post("/simulator/send", form, page="/simulator/").status_code == 400


def test_a_session_from_before_keeps_its_chats(auth: AuthActions) -> None:
    """A browser that had only the Telegram and SMS chats keeps them and gains a WhatsApp one."""
    auth.login()
    say(auth, "sms", text="Tung")
    with auth.client.session_transaction() as kept:
        before = dict(kept["simulator"])
        kept["simulator"] = {"telegram": before["telegram"], "sms": before["sms"]}
    page = auth.client.get("/simulator/").get_data(as_text=True)
    assert before["telegram"] in page and '<li class="mine">' in pane(page, "sms")
    with auth.client.session_transaction() as kept:
        now = kept["simulator"]
    assert (now["telegram"], now["sms"]) == (before["telegram"], before["sms"])
    assert now["whatsapp"].startswith("+383000") and now["whatsapp"] != now["sms"]
    assert now["whatsapp"] in pane(page, "whatsapp")
