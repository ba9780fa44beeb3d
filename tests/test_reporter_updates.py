"""What a reporter is told when their report moves on: who took it up, what happens next."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.content import prepare
from alerts.lifecycle import Actor, change_status
from alerts.reassign import reassign
from handlers.types import Draft
from locales import Catalogs
from models import Contact, ContactPoint, Municipality, OutboxMessage, Report
from models.db import Database
from service.filing import store_report
from service.routes import route_report
from sinjalizo.settings import Settings
from sms.gsm import segments, transliterate

SETTINGS = Settings(public_base_url="https://sinjalizo.example")
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAFF = Actor("staff", 1, "Dashboard user")
CHILD = ("child_at_risk", "sexual_abuse", {"age_band": "6-11", "sex": "girl"})
HAZARD = ("hazard", "water", {})
DROPOUT = ("dropout", "not_enrolled", {"class": "7A", "pupil": "AK"})
numbers = itertools.count(100)


def file(session: Session, what: tuple[str, str, dict[str, Any]], code: str,
         language: str = "sq") -> Report:
    """File a report in a municipality straight through the service, from a fresh SMS reporter."""
    kind, category, details = what
    place = session.scalar(select(Municipality).where(Municipality.code == code))
    assert place is not None
    contact = Contact(channel="sms", address=f"+38349{next(numbers):06d}", language=language)
    session.add(contact)
    session.flush()
    draft = Draft(kind=kind, category=category, urgent=False,
                  reference=f"R-{next(numbers):06d}",
                  routing=route_report(session, kind, category, False, place.id, None, language),
                  municipality_id=place.id, details=details,
                  description="Fqinji e rrah vajzën çdo natë")
    report = session.get(Report, store_report(session, draft, contact.id, "sms", language, AT))
    assert report is not None
    return report


def told(session: Session, report: Report, catalogs: Catalogs, language: str) -> list[str]:
    """Render every update queued for the reporter, in a language, oldest first."""
    rows = session.scalars(select(OutboxMessage).where(
        OutboxMessage.report_id == report.id, OutboxMessage.purpose == "reporter_update")
        .order_by(OutboxMessage.id)).all()
    texts = []
    for row in rows:
        row.language = language
        text = prepare(session, row, catalogs, SETTINGS)
        assert isinstance(text, str), text
        texts.append(text)
    return texts


def point(session: Session, name: str) -> ContactPoint:
    """Return a demo contact point by name."""
    found = session.scalar(select(ContactPoint).where(ContactPoint.name == name))
    assert found is not None
    return found


def acknowledge(session: Session, report: Report, by: str) -> None:
    """Have a demo contact point take the report up, as "OK R-…" does."""
    holder = point(session, by)
    result = change_status(session, report.reference, Actor("contact_point", holder.id),
                           "acknowledged", now=AT + timedelta(minutes=20))
    assert not hasattr(result, "reason"), result


@pytest.mark.parametrize(("language", "expected"), [
    ("sq", "Raportimi juaj {ref} për një fëmijë në rrezik u mor përsipër nga punonjësi social i "
           "Qendrës për Punë Sociale në Prizren. Do të trajtohet me kujdes dhe në mirëbesim; nuk "
           "ju duhet të bëni asgjë tjetër. Faleminderit që u kujdesët."),
    ("sr", "Vaša prijava {ref} o ugroženom detetu preuzeta je i poverena socijalnom radniku "
           "Centra za socijalni rad u Prizrenu. Biće obrađena pažljivo i poverljivo; ne morate "
           "ništa više da preduzimate. Hvala vam što ste reagovali."),
    ("en", "Your report {ref} about a child at risk has been taken up by the social worker at "
           "the Centre for Social Work in Prizren. It will be handled with care and in "
           "confidence; you need do nothing more. Thank you for caring."),
])
def test_child_report_taken_up(demo_db: Database, catalogs: Catalogs, language: str,
                               expected: str) -> None:
    """Who took it up (role and municipality, in the right case); nothing about the case."""
    with demo_db.transaction() as session:
        report = file(session, CHILD, "XK-21", language)
        acknowledge(session, report, "Demo: Prizren child protection")
        [text] = told(session, report, catalogs, language)
    assert text == expected.format(ref=report.reference)
    assert "Demo" not in text and "+383" not in text and "rrah" not in text


@pytest.mark.parametrize(("language", "holder"), [
    ("sq", "shërbimet publike të komunës së Drenasit"),
    ("sr", "javnim službama opštine Glogovac"),
    ("en", "the public services of the municipality of Drenas"),
])
def test_hazard_taken_up_names_the_hazard_and_the_office(
        demo_db: Database, catalogs: Catalogs, language: str, holder: str) -> None:
    """A hazard update names the hazard and the municipal service in the reader's language."""
    with demo_db.transaction() as session:
        report = file(session, HAZARD, "XK-07", language)
        acknowledge(session, report, "Demo: Drenas public services")
        [text] = told(session, report, catalogs, language)
    assert holder in text and report.reference in text
    assert catalogs(msg_label("hazard", "water"), language) in text


def msg_label(kind: str, category: str) -> Any:
    """Return a category's label as the engine names it."""
    from handlers.categories import category_label

    return category_label(kind, category)


def test_albania_says_bashkia_and_has_no_centre_for_social_work(
        demo_db: Database, catalogs: Catalogs) -> None:
    """In Albania child protection sits with the municipality: "bashkisë së Beratit"."""
    with demo_db.transaction() as session:
        report = file(session, CHILD, "AL-01")
        acknowledge(session, report, "Demo: Berat child protection")
        [albanian] = told(session, report, catalogs, "sq")
        [serbian] = told(session, report, catalogs, "sr")
    assert "punonjësi për mbrojtjen e fëmijëve i bashkisë së Beratit" in albanian
    assert "Qendrës" not in albanian
    assert "radniku za zaštitu dece opštine Berat" in serbian


def test_teacher_hears_class_and_initials(demo_db: Database, catalogs: Catalogs) -> None:
    """A dropout update names the class and the pupil's initials, never more."""
    with demo_db.transaction() as session:
        report = file(session, DROPOUT, "XK-07")
        acknowledge(session, report, "Demo: Drenas education")
        [text] = told(session, report, catalogs, "sq")
    assert f"Raportimi juaj {report.reference} (klasa 7A, AK) u mor përsipër nga drejtoria e " \
           "arsimit e komunës së Drenasit." in text


# What each ending says, for each kind, in each language: a fragment that must be there.
ENDINGS = {
    ("resolved", None): {
        "sq": "u trajtua", "sr": "je obrađena", "en": "has been dealt with"},
    ("closed", "duplicate"): {
        "sq": "sepse e njëjta gjë ishte raportuar më parë nga dikush tjetër",
        "sr": "jer je neko već prijavio isto", "en": "someone had already reported"},
    ("closed", "referred"): {
        "sq": "u përcoll te një shërbim tjetër", "sr": "prosleđena je drugoj službi",
        "en": "passed on to another service"},
    ("closed", "not_actionable"): {
        "sq": "u mbyll: pas shqyrtimit", "sr": "je zatvorena: nakon provere",
        "en": "found nothing it could act on"},
}
CHILD_ENDINGS = {
    ("closed", "not_actionable"): {
        "sq": "u shqyrtua dhe për momentin nuk nevojitet veprim tjetër",
        "sr": "je razmotrena i za sada nisu potrebne dalje mere",
        "en": "no further action is needed for now"},
}
HAZARD_RESOLVED = {"sq": "Rreziku që raportuat, {ref} (Ujëra të zeza ose mungesë uji të "
                         "pijshëm), është mënjanuar.",
                   "sr": "Opasnost koju ste prijavili, {ref} (Otpadne vode ili nedostatak "
                         "pijaće vode), je otklonjena.",
                   "en": "The hazard you reported, {ref} (Sewage or no drinking water), has "
                         "been dealt with."}


@pytest.mark.parametrize("what", [CHILD, HAZARD, DROPOUT], ids=lambda w: w[0])
@pytest.mark.parametrize("ending", list(ENDINGS), ids=lambda e: "-".join(filter(None, e)))
def test_every_ending_is_explained_kindly(demo_db: Database, catalogs: Catalogs,
                                          what: tuple[str, str, dict[str, Any]],
                                          ending: tuple[str, str | None]) -> None:
    """Resolved and each close reason, per kind, in sq, sr and en: one warm message each."""
    status, reason = ending
    with demo_db.transaction() as session:
        report = file(session, what, "XK-38")
        change_status(session, report.reference, STAFF, "acknowledged", now=AT)
        change_status(session, report.reference, STAFF, status, reason=reason, now=AT)
        texts = {language: told(session, report, catalogs, language)[-1]
                 for language in ("sq", "sr", "en")}
    expected = (CHILD_ENDINGS if what is CHILD else {}).get(ending, ENDINGS[ending])
    for language, text in texts.items():
        fragment = expected[language]
        if what is HAZARD and ending == ("resolved", None):
            fragment = HAZARD_RESOLVED[language].format(ref=report.reference)
        assert fragment in text, (language, text)
        assert report.reference in text
        assert segments(transliterate(text)) <= 2, (language, len(text), text)
        if what is CHILD:  # discreet: not the concern, not the description
            assert catalogs(msg_label(*what[:2]), language) not in text
            assert "rrah" not in text


def test_passed_on_names_the_new_holder(demo_db: Database, catalogs: Catalogs) -> None:
    """A report passed to Prizren's social worker tells the reporter so, in their language."""
    with demo_db.transaction() as session:
        report = file(session, CHILD, "XK-07", "sr")
        target = point(session, "Demo: Prizren child protection")
        assert reassign(session, report.reference, target.id, STAFF, "", AT) is not None
        [serbian] = told(session, report, catalogs, "sr")
        [albanian] = told(session, report, catalogs, "sq")
    assert serbian == (f"Vaša prijava {report.reference} o ugroženom detetu prosleđena je "
                       "socijalnom radniku Centra za socijalni rad u Prizrenu i dalje će se "
                       "rešavati tamo.")
    assert albanian.startswith(f"Raportimi juaj {report.reference} për një fëmijë në rrezik u "
                               "përcoll te punonjësi social i Qendrës për Punë Sociale në "
                               "Prizren")


def test_no_update_is_a_bare_status_word(demo_db: Database, catalogs: Catalogs) -> None:
    """The old "Update on your report R-…: resolved." shape is gone in every language."""
    with demo_db.transaction() as session:
        report = file(session, HAZARD, "XK-07")
        acknowledge(session, report, "Demo: Drenas public services")
        change_status(session, report.reference, STAFF, "resolved", now=AT)
        texts = [text for language in ("sq", "sr", "en")
                 for text in told(session, report, catalogs, language)]
    bare = [catalogs.gettext(word, language) for word in ("resolved", "closed")
            for language in ("sq", "sr", "en")]
    assert all(not text.rstrip(".").endswith(tuple(bare)) for text in texts)
    assert all(len(text.split(". ")) >= 2 for text in texts)


@pytest.mark.parametrize(("code", "language", "line"), [
    ("XK-07", "sq", "Komuna: Drenas"), ("XK-07", "sr", "Opština: Glogovac"),
    ("AL-01", "sq", "Bashkia: Berat"), ("AL-48", "sr", "Opština: Skadar"),
])
def test_alert_names_the_municipality_as_its_reader_does(
        demo_db: Database, catalogs: Catalogs, code: str, language: str, line: str) -> None:
    """A focal point's alert says "Bashkia" for an Albanian municipality, Serbian names in sr."""
    with demo_db.transaction() as session:
        report = file(session, HAZARD, code)
        alert = session.scalars(select(OutboxMessage).where(
            OutboxMessage.report_id == report.id, OutboxMessage.purpose == "alert")).first()
        assert alert is not None
        alert.language = language
        text = prepare(session, alert, catalogs, SETTINGS)
    assert isinstance(text, str) and line in text.splitlines()
