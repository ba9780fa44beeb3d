"""`sinjalizo chat` takes each channel's own path: SMS as the webhook, Telegram as the bot."""

from __future__ import annotations

import re

from click.testing import CliRunner, Result
from sqlalchemy import func, select

from bot.linking import LINKED
from locales import Catalogs
from models import Contact, ContactPoint, OutboxMessage, Report, School, Teacher
from models.db import Database
from sinjalizo.cli import main
from sms import optout
from sms.gsm import segments, transliterate

HEADER = re.compile(r"^-- SMS (\d+)/(\d+), (\d+) segments?, (GSM-7|UCS-2) --$")
FOCAL = "Demo: Drenas dropout team"


def run(database_url: str, *args: str, lines: str = "", **env: str) -> Result:
    """Run `sinjalizo ARGS` with the given input lines; fail on a non-zero exit."""
    result = CliRunner().invoke(main, ["--database-url", database_url, *args],
                                input=lines, env=env)
    assert result.exit_code == 0, result.output
    return result


def sms_blocks(output: str) -> list[tuple[tuple[str, ...], str]]:
    """Return each printed SMS as (its header's fields, its body), or ((), note) for a note."""
    blocks: list[tuple[tuple[str, ...], str]] = []
    for block in filter(None, output.split("\n\n")):
        first, _, body = block.strip("\n").partition("\n")
        header = HEADER.match(first)
        blocks.append((header.groups(), body) if header else ((), first))
    return blocks


def test_sms_replies_leave_as_gsm7(database_url: str, demo_db: Database) -> None:
    """With transliteration on (the default) ë and ç leave as e and c, each SMS in GSM-7."""
    shaped = sms_blocks(run(database_url, "chat", "--channel", "sms", lines="Tung\n").output)
    assert shaped and all(header and header[3] == "GSM-7" for header, _ in shaped)
    text = "\n".join(body for _, body in shaped)
    assert "Mire se vini" in text and not set("ëçË") & set(text)
    raw = sms_blocks(run(database_url, "chat", "--channel", "sms", "--from", "+38344999301",
                         lines="Tung\n", SMS_TRANSLITERATE="off").output)
    assert "Mirë se vini" in raw[0][1] and raw[0][0][3] == "UCS-2"


def test_sms_stop_silences_until_start(database_url: str, demo_db: Database,
                                       catalogs: Catalogs) -> None:
    """STOP is confirmed, then nothing comes back; START confirms and the menu is back."""
    phone = "+38344999302"
    blocks = sms_blocks(run(database_url, "chat", "--channel", "sms", "--from", phone,
                            lines="Tung\nSTOP\nmenu\nSTART\nmenu\n").output)
    bodies = [body for _, body in blocks]
    stopped = transliterate(catalogs(optout.STOPPED, "sq"))
    restarted = transliterate(catalogs(optout.RESTARTED, "sq"))
    at_stop, at_start = bodies.index(stopped), bodies.index(restarted)
    assert bodies[at_stop + 1].startswith("(no SMS back: this number sent STOP")
    assert at_start == at_stop + 2 and "Raporto rrezik publik" in "\n".join(bodies[at_start:])
    with demo_db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.address == phone)).one()
        assert not contact.opted_out


def test_a_long_reply_is_packed_into_short_sms(database_url: str, demo_db: Database) -> None:
    """Help is long: it leaves as several SMS, none over two segments, each header true."""
    sent: dict[str, int] = {}
    for transliterated in ("on", "off"):
        blocks = sms_blocks(run(database_url, "chat", "--channel", "sms", "--from",
                                "+38344999303", lines="NDIHME\n",
                                SMS_TRANSLITERATE=transliterated).output)
        assert [int(header[0]) for header, _ in blocks] == list(range(1, len(blocks) + 1))
        for (_number, count, parts, _encoding), body in blocks:
            assert int(parts) == segments(body) and int(count) == len(blocks)
        # A help line fills more than one segment, yet no SMS takes more than two.
        assert max(segments(body) for _, body in blocks) == 2
        sent[transliterated] = len(blocks)
    assert sent["off"] > sent["on"] > 1  # UCS-2 (ë kept) fits half as much in a segment


def link_code(database_url: str, name: str) -> str:
    """Return a one-time code for the contact point, as an operator gets it."""
    result = run(database_url, "contact-points", "link", name)
    return result.stdout.splitlines()[0].strip()


def test_telegram_lidh_links_the_chat(database_url: str, demo_db: Database,
                                      catalogs: Catalogs) -> None:
    """`/lidh CODE` typed in the terminal links the contact point, as on Telegram."""
    code = link_code(database_url, FOCAL)
    output = run(database_url, "chat", "--channel", "telegram", "--from", "5551",
                 lines=f"/lidh {code}\n").output
    assert catalogs.gettext(LINKED.msgid, "sq").format(name=FOCAL) in output
    with demo_db.session() as session:
        assert session.scalar(select(ContactPoint.telegram_chat_id)
                              .where(ContactPoint.name == FOCAL)) == "5551"


def test_telegram_buttons_pin_photo_and_status(database_url: str, demo_db: Database) -> None:
    """Buttons are pressed by key or label, a pin and a photo go along; /statusi tells."""
    said = ("/start\n[hazard]\n[Qen endacakë]\n/location 42.6265 20.8939\n[po]\n/photo\n"
            "Një tufë qensh te shkolla\n[dergo]\n/statusi\n")
    output = run(database_url, "chat", "--channel", "telegram", "--from", "5553",
                 lines=said).output
    assert "[Raporto rrezik publik]" in output and "keyboard: [\U0001f4cd" in output
    assert "No button" not in output
    with demo_db.session() as session:
        report = session.scalars(select(Report)).one()
        assert (report.channel, report.category, report.latitude) == (
            "telegram", "stray_dogs", 42.6265)
        assert [a.file_id[:10] for a in report.attachments] == ["cli-photo-"]
    status, menu = output.rsplit("\n\n#", 2)[-2:]
    assert report.reference in status and "Gjendja e raportimit tim" in menu
    wrong = run(database_url, "chat", "--channel", "telegram", "--from", "5553",
                lines="[nothing like it]\n").output
    assert "No button [nothing like it]" in wrong


def test_telegram_alert_buttons_and_words(database_url: str, demo_db: Database,
                                          teacher_phone: str) -> None:
    """A linked focal point sees its alert, presses Pranoj (the alert is edited), then words."""
    code = link_code(database_url, FOCAL)
    run(database_url, "chat", "--channel", "telegram", "--from", "5552",
        lines=f"/lidh {code}\n")
    run(database_url, "chat", "--channel", "sms", "--from", teacher_phone,
        lines="BRAKTISJE 7A AK 12\n")
    with demo_db.session() as session:
        reference = session.scalars(select(Report.reference)).one()
    output = run(database_url, "chat", "--channel", "telegram", "--from", "5552",
                 lines=f"[Pranoj]\nPROCES {reference}\n").output
    alert, pressed = output.split("\n\n(button answer) ", 1)
    assert alert.startswith("#1 alert") and reference in alert and "[Pranoj]" in alert
    assert pressed.startswith(f"Raportimi {reference} tani është")
    assert "#1 edited:" in pressed and "Demo: Drenas dropout team," in pressed
    with demo_db.session() as session:
        report = session.scalars(select(Report)).one()
        assert report.status == "in_progress" and report.acknowledged_at is not None


def test_as_a_teacher_files_a_simulated_flag(database_url: str, demo_db: Database) -> None:
    """`--as-teacher CODE` writes as a teacher of that school: simulated, nobody alerted."""
    with demo_db.session() as session:
        school = session.scalars(select(School).where(School.code.like("%DRENAS%"))).first()
        assert school is not None
        teachers = session.scalar(select(func.count()).select_from(Teacher))
    output = run(database_url, "chat", "--channel", "sms", "--from", "+38344999304",
                 "--as-teacher", school.code, lines="BRAKTISJE 7A AK 12\n").output
    with demo_db.session() as session:
        report = session.scalars(select(Report)).one()
        assert (report.kind, report.school_id, report.simulated) == ("dropout", school.id, True)
        assert [route.role for route in report.routes] == ["dropout_team"]
        assert not session.scalar(select(func.count()).select_from(OutboxMessage))
        assert session.scalar(select(func.count()).select_from(Teacher)) == teachers
    assert report.reference in output
    unknown = CliRunner().invoke(main, ["--database-url", database_url, "chat",
                                        "--as-teacher", "NO-SUCH-SCHOOL"], input="Tung\n")
    assert unknown.exit_code != 0 and "NO-SUCH-SCHOOL" in unknown.output


def test_whatsapp_keeps_diacritics_pins_and_stop(database_url: str, demo_db: Database) -> None:
    """On WhatsApp ë stays, a pin is placed, and STOP silences the number until START."""
    phone = "+38344999310"
    output = run(database_url, "chat", "--channel", "whatsapp", "--from", f"whatsapp:{phone}",
                 lines="Tung\n1\n1\n/location 42.6265 20.8939\nSTOP\nmenu\nSTART\n").output
    assert "-- WhatsApp 1/1" in output and "Mirë se vini" in output
    assert "Drenas" in output and "(no WhatsApp message back: this number sent STOP" in output
    with demo_db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.address == phone)).one()
        assert contact.channel == "whatsapp" and not contact.opted_out
