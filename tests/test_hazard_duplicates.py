"""A hazard reported again nearby: the second reporter may join the open report instead."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select, update

from models import OutboxMessage, Report, ReportEvent, ReportFollower
from models.db import Database
from service.joining import distance_m
from tests.dialog import START, Chat, references, rows
from tests.test_dialogs import (
    FOUND,
    HAZARD_BY_SMS,
    HAZARD_KIND,
    HAZARD_PHOTO,
    HAZARD_PIN,
    HAZARD_WHAT,
    MENU,
    SEND,
)

SAME = ("{category} has already been reported less than 100 m from here:")
JOINED = "Thank you. Your confirmation was added to report {reference}."
GONE = "Report {reference} was closed just now. Please report the danger again as a new report."
PIN = (42.6265, 20.8939)  # in Drenas
NEAR = (42.6268, 20.8941)  # about 37 m away
FAR = (42.6285, 20.8939)  # about 220 m away


def pinned(category: str, at: tuple[float, float], then: tuple[tuple[str, object], ...] = ()
           ) -> tuple[tuple[str, object], ...]:
    """Return the rows up to a confirmed pin for a hazard of `category`, then `then`."""
    return rows(
        ("/start", MENU),
        ("[hazard]", HAZARD_KIND),
        (f"[{category}]", HAZARD_PIN),
        (f"/location {at[0]} {at[1]}", ("Drenas", FOUND)),
        *then,
    )


def file_hazard(chat: Callable[..., Chat], address: str, category: str = "open_pit",
                at: tuple[float, float] = PIN) -> str:
    """File a pinned hazard from a Telegram chat; return its reference."""
    person = chat("telegram", address)
    person.replay(pinned(category, at, (
        ("[yes]", HAZARD_PHOTO),
        ("kalo", HAZARD_WHAT),
        ("Pusetë pa kapak para shkollës", SEND),
        ("[send]", "R-"),
    )))
    [reference] = references(person)
    return reference


def test_distance_is_in_metres() -> None:
    """The haversine distance of the test pins is what the comments say."""
    assert 30 < distance_m(*PIN, *NEAR) < 45
    assert 200 < distance_m(*PIN, *FAR) < 240


def test_second_reporter_joins_the_open_report(chat: Callable[..., Chat],
                                               demo_db: Database) -> None:
    """A pit pinned 37 m from an open one: joining adds a confirmation and files nothing."""
    first = file_hazard(chat, "6100001")
    second = chat("telegram", "6100002")
    second.replay(pinned("open_pit", NEAR, (
        ("[yes]", (SAME, first, "m")),
        (f"[{first}]", (JOINED, first)),
        (f"STATUS {first}", first),
    )))
    assert references(second) == []
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == first)).one()
        assert report.confirmations == 1
        assert session.scalar(select(func.count()).select_from(Report)) == 1
        kinds = session.scalars(select(ReportEvent.kind).where(
            ReportEvent.report_id == report.id)).all()
        assert kinds.count("confirmation") == 1
        assert session.scalar(select(func.count()).select_from(ReportFollower)) == 1


def test_both_reporters_hear_of_progress(chat: Callable[..., Chat], demo_db: Database) -> None:
    """Once joined, the second reporter is told when the report is acknowledged, like the first."""
    first = file_hazard(chat, "6100011")
    chat("telegram", "6100012").replay(pinned("open_pit", NEAR, (
        ("[yes]", SAME), (f"[{first}]", JOINED))))
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == first)).one()
        point = report.routes[0].contact_point
        assert point is not None and point.phone
        worker_phone = point.phone
    chat("sms", worker_phone).replay(rows((f"OK {first}", first)))
    with demo_db.session() as session:
        told = session.scalars(select(OutboxMessage.address).where(
            OutboxMessage.purpose == "reporter_update").order_by(OutboxMessage.id)).all()
    assert told == ["6100011", "6100012"]


def test_a_different_one_files_a_new_report(chat: Callable[..., Chat],
                                           demo_db: Database) -> None:
    """"No, a different one" goes on with the photo and files a second report."""
    file_hazard(chat, "6100021")
    second = chat("telegram", "6100022")
    second.replay(pinned("open_pit", NEAR, (
        ("[yes]", SAME),
        ("[new]", HAZARD_PHOTO),
        ("kalo", HAZARD_WHAT),
        ("Një tjetër pusetë, në anën tjetër", SEND),
        ("[send]", "R-"),
    )))
    assert len(references(second)) == 1
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 2


def test_no_question_when_far_other_kind_old_or_closed(chat: Callable[..., Chat],
                                                       demo_db: Database) -> None:
    """Beyond 100 m, another category, older than 30 days or closed: no question."""
    first = file_hazard(chat, "6100031")
    for address, category, at in (("6100032", "open_pit", FAR), ("6100033", "dump", NEAR)):
        chat("telegram", address).replay(pinned(category, at, (("[yes]", HAZARD_PHOTO),)))
    with demo_db.transaction() as session:
        session.execute(update(Report).where(Report.reference == first).values(
            created_at=START - timedelta(days=31)))
    chat("telegram", "6100034").replay(pinned("open_pit", NEAR, (("[yes]", HAZARD_PHOTO),)))
    with demo_db.transaction() as session:
        session.execute(update(Report).where(Report.reference == first).values(
            created_at=START, status="closed"))
    chat("telegram", "6100035").replay(pinned("open_pit", NEAR, (("[yes]", HAZARD_PHOTO),)))


def test_typed_places_are_not_compared(chat: Callable[..., Chat], demo_db: Database) -> None:
    """A hazard typed as "Drenas" is never called the same as one typed there before."""
    chat("sms", "+38349100001").replay(HAZARD_BY_SMS)
    chat("sms", "+38349100002").replay(HAZARD_BY_SMS[:4])
    chat("telegram", "6100071").replay(pinned("open_pit", PIN, (("[yes]", HAZARD_PHOTO),)))


def test_joining_twice_or_ones_own_counts_once(chat: Callable[..., Chat],
                                              demo_db: Database) -> None:
    """The first reporter pinning again, and a joiner joining twice, add one confirmation."""
    first = file_hazard(chat, "6100041")
    chat("telegram", "6100041").replay(pinned("open_pit", NEAR, (
        ("[yes]", SAME), (f"[{first}]", JOINED))))
    joiner = chat("telegram", "6100042")
    for _ in range(2):
        joiner.replay(pinned("open_pit", NEAR, (("[yes]", SAME), (f"[{first}]", JOINED))))
    with demo_db.session() as session:
        report = session.scalars(select(Report).where(Report.reference == first)).one()
        assert report.confirmations == 1


def test_closed_in_the_meantime(chat: Callable[..., Chat], demo_db: Database) -> None:
    """The report closes between the question and the answer: the reporter is told."""
    first = file_hazard(chat, "6100051")
    joiner = chat("telegram", "6100052")
    joiner.replay(pinned("open_pit", NEAR, (("[yes]", SAME),)))
    with demo_db.transaction() as session:
        session.execute(update(Report).where(Report.reference == first)
                        .values(status="closed"))
    joiner.replay(rows((f"[{first}]", GONE)))
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(ReportFollower)) == 0


def test_a_forged_reference_is_not_joined(chat: Callable[..., Chat], demo_db: Database) -> None:
    """A button with a reference that was not offered is refused like any unknown option."""
    file_hazard(chat, "6100061")
    joiner = chat("telegram", "6100062")
    joiner.replay(pinned("open_pit", NEAR, (
        ("[yes]", SAME),
        ("[R-ZZZZZZ]", "That button belongs to an earlier question. Please choose again."),
    )))
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(ReportFollower)) == 0
