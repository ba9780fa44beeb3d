"""A person's right to their data: export everything held about an address, and erase it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape
from sqlalchemy import select

from locales import Catalogs
from models import AuditEntry, Base, Contact, Report, ReportEvent, ReportFollower
from models.db import Database
from service.conversation import Conversations
from service.expiry import file_abandoned
from service.subject import SubjectError, parse_subject
from sinjalizo.cli import main
from tests.conftest import AuthActions
from tests.dialog import START, Chat, references, rows
from tests.test_dialogs import HAZARD_BY_SMS, MENU
from tests.test_retention import add_follower, asked_and_resolved, file_hazard
from tests.test_safety_first import CONCERN, DANGER, REASSURE, WHERE
from tests.test_sms_webhook import RESTARTED, SmsActions, sms, sms_app  # noqa: F401 (fixtures)
from web.timeline import KINDS

PERSON = "+38344999401"
WRITTEN = "044 999 401"  # the same number as people write it
OTHER = "+38344999402"
OTHER_WORDS = "Qen endacakë para shkollës çdo mëngjes"
CHAT = "5550401"
MASKED = "+383••••••01"  # as the audit log and the pages name the person


def cli(database_url: str, *args: str) -> list[str]:
    """Return the command line of `sinjalizo subject …` on the test database."""
    return ["--database-url", database_url, "subject", *args]


def exported(database_url: str, address: str, tmp_path: Path) -> dict[str, object]:
    """Run `subject export ADDRESS --out FILE` and return the JSON written."""
    out = tmp_path / "person.json"
    result = CliRunner().invoke(main, cli(database_url, "export", address, "--out", str(out)))
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    data: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return data


def someone_elses_report(chat: Callable[..., Chat]) -> str:
    """Another person files a hazard in their own words; return its reference."""
    other = chat("sms", OTHER, now=START + timedelta(hours=1))
    other.replay([(OTHER_WORDS, wanted) if said.startswith("Pusetë") else (said, wanted)
                  for said, wanted in HAZARD_BY_SMS])
    [reference] = references(other)
    return reference


def everything(db: Database) -> str:
    """Return every row of every table as text, to look for an address anywhere."""
    with db.session() as session:
        return "\n".join(repr(session.execute(table.select()).all())
                         for table in Base.metadata.sorted_tables
                         if table.name not in ("municipalities", "settlements"))


@pytest.mark.parametrize(("raw", "kind", "address"), [
    ("+383 44 999 401", "phone", PERSON), ("044999401", "phone", PERSON),
    ("00383 44 999 401", "phone", PERSON), ("sms:044-999-401", "phone", PERSON),
    ("069 123 4567", "phone", "+355691234567"), ("5550401", "telegram", CHAT),
    ("telegram: 5550401", "telegram", CHAT), ("TG:-100123", "telegram", "-100123"),
])
def test_an_address_is_read_as_elsewhere(raw: str, kind: str, address: str) -> None:
    """Phone numbers in any form phonenumbers reads; chat ids as digits or telegram:ID."""
    subject = parse_subject(raw)
    assert (subject.kind, subject.address) == (kind, address)
    assert address not in subject.masked and subject.masked[-2:] == address[-2:]


@pytest.mark.parametrize("raw", ["", "hello", "+383 12", "telegram:abc", "044 999"])
def test_anything_else_is_refused(raw: str) -> None:
    """Neither a phone number nor a chat id: refused with the reason."""
    with pytest.raises(SubjectError):
        parse_subject(raw)


def test_export_holds_everything_of_that_address_and_nothing_of_anyone_else(
        chat: Callable[..., Chat], demo_db: Database, database_url: str,
        sms: SmsActions, tmp_path: Path) -> None:  # noqa: F811
    """Contact, language, reports filed and joined, messages both ways, questions, opt-outs
    and conversation: all there for the person; another person's words and number are not."""
    mine = [ref for answer in sms.replay(HAZARD_BY_SMS, PERSON)
            for ref in re.findall(r"R-[0-9A-Z]{6}", answer)][:1]
    [reference] = mine
    asked_and_resolved(chat, demo_db, reference)
    theirs = someone_elses_report(chat)
    with demo_db.transaction() as session:
        report = session.scalars(select(Report).where(Report.reference == theirs)).one()
        person = session.scalars(select(Contact).where(Contact.address == PERSON)).one()
        session.add(ReportFollower(report_id=report.id, contact_id=person.id, created_at=START))
    data = exported(database_url, WRITTEN, tmp_path)
    text = json.dumps(data, ensure_ascii=False)
    assert data["address"] == PERSON and data["kind"] == "phone"
    [contact] = data["contacts"]  # type: ignore[misc]
    assert contact["address"] == PERSON and contact["language"] == "sq"
    [filed] = data["reports_filed"]  # type: ignore[misc]
    assert filed["reference"] == reference and filed["status"] == "resolved"
    assert filed["description"] == "Pusetë pa kapak te rruga kryesore"
    [joined] = data["reports_joined"]  # type: ignore[misc]
    assert joined["reference"] == theirs and "description" not in joined
    purposes = [m["purpose"] for m in data["messages_sent"]]  # type: ignore[attr-defined]
    assert purposes == ["relay_question", "reporter_update", "reporter_update"]
    assert len(data["messages_received"]) == len(HAZARD_BY_SMS)  # type: ignore[arg-type]
    [question] = data["questions"]  # type: ignore[misc]
    assert question["reference"] == reference and "pusetja" in question["question"]
    assert data["conversations"] and data["opt_outs"] == []
    assert OTHER not in text and OTHER_WORDS not in text
    assert data["staff_registrations"] == []
    with demo_db.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "subject_export"))
        assert entry.detail == {"by": "command line", "subject": MASKED}


def test_erase_leaves_nothing_identifying_and_the_report_reads_on(
        chat: Callable[..., Chat], demo_db: Database, database_url: str, auth: AuthActions,
        catalogs: Catalogs, tmp_path: Path) -> None:
    """After erasure, the number is nowhere in the database, the export is empty, and the
    report's page still shows the report and says in words what happened."""
    reference = file_hazard(chat, PERSON)
    add_follower(demo_db, reference, CHAT)
    asked_and_resolved(chat, demo_db, reference)
    refused = CliRunner().invoke(main, cli(database_url, "erase", WRITTEN), input="n\n")
    assert refused.exit_code != 0 and PERSON in everything(demo_db)
    result = CliRunner().invoke(main, cli(database_url, "erase", WRITTEN, "--yes"))
    assert result.exit_code == 0, result.output
    assert f"Removed what was held about {MASKED}:" in result.output
    assert "1 report no longer names its reporter" in result.output
    assert "1 phone number or Telegram chat removed" in result.output
    assert PERSON not in everything(demo_db) and "999401" not in everything(demo_db)
    data = exported(database_url, PERSON, tmp_path)
    assert all(not data[key] for key in ("contacts", "opt_outs", "reports_filed",
                                         "reports_joined", "messages_sent",
                                         "messages_received", "questions", "conversations"))
    with demo_db.session() as session:
        follower = session.scalar(select(Contact.id).where(Contact.address == CHAT))
        assert follower is not None  # only the person asked about is removed
        [event] = session.scalars(select(ReportEvent).join(Report).where(
            Report.reference == reference, ReportEvent.kind == "identity_removed"))
        assert event.data == {"why": "request", "reporter": True, "followers": 0}
    auth.login()
    page = auth.client.get(f"/reports/{reference}").get_data(as_text=True)
    assert "Pusetë pa kapak te rruga kryesore" in page
    sentence = catalogs(KINDS["identity_removed"].sentence, "sq")
    at_request = catalogs.gettext("{who} removed the reporter's number and conversation at "
                                  "their request", "sq").format(who="Sinjalizo")
    assert str(escape(at_request)) in page and sentence != at_request


def test_erase_keeps_an_opt_out_and_the_number_starts_fresh(
        sms: SmsActions, demo_db: Database, database_url: str) -> None:  # noqa: F811
    """An opted-out number erased stays opted out (as a hash); after START it starts afresh."""
    sms.replay(HAZARD_BY_SMS, PERSON)
    sms.send("STOP", PERSON)
    result = CliRunner().invoke(main, cli(database_url, "erase", PERSON, "--yes"))
    assert result.exit_code == 0, result.output
    assert "1 of them had opted out" in result.output
    assert PERSON not in everything(demo_db)
    assert sms.send("Tung", PERSON) == []
    assert sms.expects("\n".join(sms.send("START", PERSON)), RESTARTED, "sq")
    assert sms.expects("\n".join(sms.send("Tung", PERSON)), MENU, "sq")
    assert sms.expects("\n".join(sms.send("STATUS", PERSON)), "You have not sent any report "
                       "from here yet. If you have a reference, write STATUS and the reference, "
                       "for example STATUS R-7K3M9Q.", "sq")


def test_a_teacher_is_erased_as_a_person_and_kept_as_staff(
        chat: Callable[..., Chat], demo_db: Database, database_url: str,
        teacher_phone: str) -> None:
    """A teacher's conversation goes; the registration is staff's, kept, and said so."""
    chat("sms", teacher_phone).replay(rows(("BRAKTISJE 7A AK 12", "R-")))
    result = CliRunner().invoke(main, cli(database_url, "erase", teacher_phone, "--yes"))
    assert result.exit_code == 0, result.output
    assert "Kept: the registration of" in result.output and "as teacher" in result.output
    with demo_db.session() as session:
        assert session.scalar(select(Contact.id).where(Contact.address == teacher_phone)) is None


def test_the_admin_page_exports_and_erases(auth: AuthActions, chat: Callable[..., Chat],
                                          demo_db: Database, catalogs: Catalogs) -> None:
    """Admins only; CSRF on both forms; the export downloads; erasing needs the address
    twice; both are audited with the address masked; the page speaks sq, sr and en."""
    reference = file_hazard(chat, PERSON)
    auth.login("focal.drenas@example.org")
    assert auth.client.get("/admin/person").status_code == 403
    auth.post("/logout", {})
    auth.login()
    for language, title in (("en", "A person's data"), ("sr", None), ("sq", None)):
        auth.client.get(f"/language/{language}?next=/admin/person")
        page = auth.client.get("/admin/person").get_data(as_text=True)
        wanted = title or catalogs.gettext("A person's data", language)
        assert f"<h1>{wanted}</h1>" in page, language
    assert auth.client.post("/admin/person/export",
                            data={"address": WRITTEN}).status_code == 400  # no CSRF token
    download = auth.post("/admin/person/export", {"address": WRITTEN}, page="/admin/person")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    assert json.loads(download.data)["reports_filed"][0]["reference"] == reference
    bad = auth.post("/admin/person/export", {"address": "hello"}, page="/admin/person")
    assert bad.status_code == 302

    differ = auth.post("/admin/person/erase", {"address": PERSON, "confirm": OTHER},
                       page="/admin/person")
    assert differ.status_code == 302 and PERSON in everything(demo_db)
    done = auth.post("/admin/person/erase", {"address": PERSON, "confirm": WRITTEN},
                     page="/admin/person")
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and MASKED in page
    assert catalogs.ngettext("{num} report no longer names its reporter",
                             "{num} reports no longer name their reporter", 1,
                             "sq").format(num=1) in page
    assert PERSON not in everything(demo_db)
    with demo_db.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action.in_(
            ("subject_export", "subject_erase"))).order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["subject_export", "subject_erase"]
        assert all(e.user_id is not None and e.detail["subject"] == MASKED
                   for e in entries)
        assert entries[1].detail["reports"] == 1
        [event] = session.scalars(select(ReportEvent).where(
            ReportEvent.kind == "identity_removed"))
        assert event.actor == f"staff:{entries[1].user_id}"
    log = auth.client.get("/audit/?action=subject_erase").get_data(as_text=True)
    assert MASKED in log and PERSON not in log


def test_a_child_not_yet_filed_is_never_lost_to_an_erasure(
        chat: Callable[..., Chat], conversations: Conversations, demo_db: Database,
        database_url: str) -> None:
    """In the middle of a report about a child that the worker files on expiry, erasure
    refuses and changes nothing; once it is filed, erasure goes ahead."""
    person = chat("sms", PERSON)
    person.replay(rows(("menu", MENU), ("2", DANGER), ("jo", CONCERN), ("3", WHERE),
                       ("Drenas", REASSURE)))
    refused = CliRunner().invoke(main, cli(database_url, "erase", PERSON, "--yes"))
    assert refused.exit_code != 0 and "in the middle of a report about a child" in refused.output
    assert PERSON in everything(demo_db)
    with demo_db.transaction() as session:
        [reference] = file_abandoned(session, person.now + timedelta(minutes=31), conversations)
    done = CliRunner().invoke(main, cli(database_url, "erase", PERSON, "--yes"))
    assert done.exit_code == 0, done.output
    assert PERSON not in everything(demo_db)
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        assert report.incomplete and report.category == "neglect"
