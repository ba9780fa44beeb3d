"""The simulator runs the real engine for admins; its reports are simulated and alert nobody."""

from __future__ import annotations

import html
import re
import secrets
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from bot.linking import REASONS, TRIED, new_code
from locales import Catalogs
from models import (
    AuditEntry,
    ContactPoint,
    ConversationSession,
    LinkCode,
    OutboxMessage,
    Report,
    School,
    Subscription,
    Teacher,
)
from models.db import Database
from sms import optout
from sms.gsm import transliterate
from tests.browser import CHROMIUM, chromium_page
from tests.conftest import PASSWORD, AuthActions
from tests.test_dialogs import HAZARD_BY_SMS
from web.simulator_panes import PHOTO

FOCAL = "Demo: Prishtinë child protection"


def say(auth: AuthActions, pane: str, nonce: str | None = None, **fields: str) -> str:
    """Send one message in a pane as its form does; return the simulator page afterwards."""
    form = {"pane": pane, "nonce": nonce or secrets.token_hex(8), **fields}
    response = auth.post("/simulator/send", form, page="/simulator/")
    assert response.status_code == 302, response.get_data(as_text=True)
    return str(auth.client.get(response.location).get_data(as_text=True))


def press(auth: AuthActions, page: str, data: str, label: str) -> str:
    """Press the newest button with that callback data in a pane, as its form does."""
    forms = re.findall(r'name="data" value="([^"]+)">\s*<input type="hidden" name="message" '
                       r'value="(\d+)"', page)
    message = next(m for d, m in reversed(forms) if d == data)
    return say(auth, "telegram", data=data, message=message, label=label)


def pane(page: str, name: str) -> str:
    """Return one pane's HTML out of the page."""
    found = re.search(rf'<section class="pane {name}".*?</section>', page, re.S)
    assert found, f"no {name} pane"
    return found.group(0)


def test_sms_pane_files_a_simulated_hazard(auth: AuthActions, demo_db: Database) -> None:
    """The SMS dialog table, typed into the pane, files a report marked simulated, unalerted."""
    auth.login()
    page = ""
    for said, _ in HAZARD_BY_SMS:
        page = say(auth, "sms", text=said)
    with demo_db.session() as session:
        report = session.scalars(select(Report)).one()
        assert report.simulated and (report.kind, report.category) == ("hazard", "open_pit")
        assert not session.scalar(select(func.count()).select_from(OutboxMessage))
        [address] = session.scalars(select(ConversationSession.address))
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "simulator")).all()
    assert address.startswith("+383000") and address in page
    assert len(audit) == len(HAZARD_BY_SMS) and all(e.report_id is None for e in audit)
    assert audit[-1].detail["filed"] == [report.reference]
    sms = pane(page, "sms")
    assert report.reference in sms and "\n1) " in sms  # options numbered as the SMS reads
    listing = auth.client.get("/reports").get_data(as_text=True)
    assert report.reference in listing and "badge simulated" in listing


def test_telegram_pane_buttons_pin_and_photo(auth: AuthActions, demo_db: Database) -> None:
    """Buttons press options; asked for a place, the pane offers a pin; a photo goes along."""
    auth.login()
    page = pane(say(auth, "telegram", text="/start"), "telegram")
    assert 'name="data" value="o:hazard"' in page and "reply-keyboard" not in page
    page = pane(press(auth, page, "o:hazard", "Rrezik publik"), "telegram")
    assert "[Rrezik publik]" in page and 'name="data" value="o:stray_dogs"' in page
    page = pane(press(auth, page, "o:stray_dogs", "Qen"), "telegram")
    assert 'class="keyboard reply-keyboard"' in page and 'value="42.6265"' in page
    page = pane(say(auth, "telegram", lat="42.6265", lon="20.8939"), "telegram")
    assert "Drenas" in page and 'name="data" value="o:yes"' in page
    press(auth, page, "o:yes", "Po")
    say(auth, "telegram", photo="1")
    page = pane(say(auth, "telegram", text="Një tufë qensh te shkolla"), "telegram")
    page = pane(press(auth, page, "o:send", "Dërgo"), "telegram")
    with demo_db.session() as session:
        report = session.scalars(select(Report)).one()
        assert report.simulated and report.channel == "telegram" and report.latitude == 42.6265
        assert [a.file_id for a in report.attachments] == [PHOTO]
        assert not session.scalar(select(func.count()).select_from(OutboxMessage))
        photo = report.attachments[0].id
    assert report.reference in page
    shown = auth.client.get(f"/reports/{report.reference}/attachments/{photo}")
    assert shown.status_code == 200 and shown.mimetype == "image/svg+xml"


def bubbles(page: str) -> list[tuple[str, str]]:
    """Return a pane's transcript as (who, text) pairs: mine, bot or notice."""
    found = re.findall(r'<li class="(mine|bot|notice)"><span class="bubble">(.*?)</span>',
                       page, re.S)
    return [(who, html.unescape(text)) for who, text in found]


def test_telegram_pane_tries_a_link_code_without_linking(auth: AuthActions, demo_db: Database,
                                                         catalogs: Catalogs) -> None:
    """/lidh CODE in the Telegram pane is checked as on Telegram, but links nothing real."""
    auth.login()
    with demo_db.transaction() as session:
        point = session.scalars(select(ContactPoint).where(ContactPoint.name == FOCAL)).one()
        before = point.telegram_chat_id
        code = new_code(session, point, datetime.now(UTC))
    page = pane(say(auth, "telegram", text=f"/lidh {code}"), "telegram")
    assert bubbles(page)[-1] == ("bot", catalogs.gettext(TRIED.msgid, "sq").format(name=FOCAL))
    with demo_db.session() as session:
        point = session.scalars(select(ContactPoint).where(ContactPoint.name == FOCAL)).one()
        used = session.scalar(select(LinkCode.used_at).where(LinkCode.code == code))
    assert point.telegram_chat_id == before and used is None, "the real contact point is kept"
    page = pane(say(auth, "telegram", text="/lidh ZZZZZZZZ"), "telegram")
    assert bubbles(page)[-1] == ("bot", catalogs.gettext(REASONS["unknown"].msgid, "sq"))
    page = pane(say(auth, "telegram", text="/statusi"), "telegram")
    assert "STATUS R-7K3M9Q" in page


def test_sms_pane_stop_silences_until_start(auth: AuthActions, catalogs: Catalogs) -> None:
    """The SMS pane is the webhook's path: STOP is confirmed, then silence until START."""
    auth.login()
    say(auth, "sms", text="Tung")
    page = pane(say(auth, "sms", text="STOP"), "sms")
    assert bubbles(page)[-1] == ("bot", transliterate(catalogs(optout.STOPPED, "sq")))
    assert "GSM-7" in page
    page = pane(say(auth, "sms", text="menu"), "sms")
    assert bubbles(page)[-1] == ("mine", "menu")
    page = pane(say(auth, "sms", text="START"), "sms")
    assert bubbles(page)[-1] == ("bot", transliterate(catalogs(optout.RESTARTED, "sq")))


def test_acting_as_a_teacher(auth: AuthActions, demo_db: Database) -> None:
    """An admin picks a school; both panes then flag dropouts for it, simulated, as nobody."""
    auth.login()
    with demo_db.session() as session:
        school = session.scalars(select(School).where(School.code.like("%DRENAS%"))).one()
        teachers = session.scalar(select(func.count()).select_from(Teacher))
    chosen = auth.post("/simulator/teacher", {"school": str(school.id)}, page="/simulator/")
    assert chosen.status_code == 302
    page = auth.client.get("/simulator/").get_data(as_text=True)
    assert f'<option value="{school.id}" selected>' in page
    sms = pane(say(auth, "sms", text="BRAKTISJE 7A AK 12"), "sms")
    telegram = pane(say(auth, "telegram", text="BRAKTISJE 8B EB 5"), "telegram")
    with demo_db.session() as session:
        reports = session.scalars(select(Report).order_by(Report.id)).all()
        assert [(r.kind, r.school_id, r.simulated, r.channel) for r in reports] == [
            ("dropout", school.id, True, "sms"), ("dropout", school.id, True, "telegram")]
        assert all([route.role for route in r.routes] == ["dropout_team"] for r in reports)
        assert not session.scalar(select(func.count()).select_from(OutboxMessage))
        assert session.scalar(select(func.count()).select_from(Teacher)) == teachers
    assert reports[0].reference in sms and reports[1].reference in telegram
    auth.post("/simulator/teacher", {"school": ""}, page="/simulator/")
    say(auth, "sms", text="BRAKTISJE 9C LM 3")
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 2
    assert auth.post("/simulator/teacher", {"school": "999999"},
                     page="/simulator/").status_code == 400


def test_subscribing_in_the_simulator_keeps_no_subscription(auth: AuthActions,
                                                             demo_db: Database) -> None:
    """ABONOHU in a pane answers as the bot would, but no campaign will ever write to it."""
    auth.login()
    say(auth, "sms", text="ABONOHU")
    page = pane(say(auth, "sms", text="Drenas"), "sms")
    assert "CK" in page
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 0


def test_a_form_sent_twice_counts_once(auth: AuthActions) -> None:
    """The form's nonce is the message id: a double submit is one message, one transcript line."""
    auth.login()
    nonce = secrets.token_hex(8)
    say(auth, "sms", nonce, text="Tung")
    page = pane(say(auth, "sms", nonce, text="Tung"), "sms")
    assert page.count('<li class="mine">') == 1


def test_restart_starts_new_conversations(auth: AuthActions) -> None:
    """Restart forgets the transcript and talks from new addresses."""
    auth.login()
    before = pane(say(auth, "sms", text="Tung"), "sms")
    old = re.search(r"\+383000\d{9}", before)
    assert old and '<li class="mine">' in before
    response = auth.post("/simulator/restart", {}, page="/simulator/")
    assert response.status_code == 302
    after = pane(auth.client.get("/simulator/").get_data(as_text=True), "sms")
    assert old.group(0) not in after and '<li class="mine">' not in after
    assert re.search(r"\+383000\d{9}", after)


def test_the_script_gets_the_pane_alone(auth: AuthActions) -> None:
    """With simulator.js's header the answer is the pane's HTML, not a redirect."""
    auth.login()
    response = auth.client.post("/simulator/send", headers={"X-Simulator": "pane"}, data={
        "pane": "sms", "nonce": secrets.token_hex(8), "text": "Tung",
        "csrf_token": auth.token("/simulator/")})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith("<section")
    assert "<html" not in body and "Tung" in body


def test_only_admins_and_only_with_a_token(auth: AuthActions) -> None:
    """A coordinator gets 403; a post without its CSRF token or with a bad pin is 400."""
    auth.login("prizren@example.org")
    assert auth.client.get("/simulator/").status_code == 403
    assert auth.post("/simulator/teacher", {"school": ""}).status_code == 403
    auth.post("/logout", {})
    auth.login()
    assert auth.client.post("/simulator/send", data={
        "pane": "sms", "nonce": secrets.token_hex(8), "text": "Tung"}).status_code == 400
    bad_pin = {"pane": "telegram", "nonce": secrets.token_hex(8), "lat": "nan", "lon": "20"}
    assert auth.post("/simulator/send", bad_pin, page="/simulator/").status_code == 400


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is missing")
def test_in_a_browser_the_pane_answers_in_place(site: str) -> None:
    """With the script a message and a button press answer in the pane, with no page load."""
    with chromium_page() as page:
        page.goto(f"{site}/login")
        page.fill("input[name=email]", "admin@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        page.goto(f"{site}/simulator/")
        telegram = page.locator("#telegram")
        telegram.locator("input[name=text]").fill("/start")
        telegram.locator("input[name=text]").press("Enter")
        expect(page.locator("#telegram button.option").first).to_be_visible()
        page.locator('#telegram form:has(input[value="o:hazard"]) button').click()
        expect(page.locator("#telegram .bubble").last).not_to_contain_text("/start")
        expect(page.locator('#telegram input[name=data][value="o:stray_dogs"]')).to_have_count(1)
        assert page.url == f"{site}/simulator/"  # answered in place: no redirect was followed
