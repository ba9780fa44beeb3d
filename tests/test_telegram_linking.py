"""Linking a focal point's chat: a one-time code, valid 24 hours, redeemed with /lidh CODE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import select

from bot.linking import CODE_ALPHABET, CODE_LENGTH, link_chat, new_code, redeem
from locales import Catalogs
from models import Contact, ContactPoint, LinkCode
from models.db import Database
from sinjalizo.cli import main

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
NAME = "Demo: Prishtinë child protection"


def code_for(db: Database, name: str = NAME, now: datetime = NOW) -> str:
    """Create a link code for a demo contact point."""
    with db.transaction() as session:
        point = session.scalar(select(ContactPoint).where(ContactPoint.name == name))
        assert point is not None
        return new_code(session, point, now)


def chat_of(db: Database, name: str = NAME) -> str | None:
    """Return the contact point's Telegram chat."""
    with db.session() as session:
        return session.scalar(select(ContactPoint.telegram_chat_id)
                              .where(ContactPoint.name == name))


def lidh(db: Database, catalogs: Catalogs, text: str, chat_id: str,
         now: datetime = NOW) -> str:
    """Send /lidh from a chat in one transaction and return the answer."""
    with db.transaction() as session:
        return link_chat(session, text, chat_id, now, catalogs=catalogs)


def test_code_links_the_chat_once(demo_db: Database, catalogs: Catalogs) -> None:
    """The code links the chat; sent again, from any chat, it is refused and changes nothing."""
    code = code_for(demo_db)
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    answer = lidh(demo_db, catalogs, f"/lidh {code.lower()}", "5551")
    assert NAME in answer and "bisedë" in answer
    assert chat_of(demo_db) == "5551"
    again = lidh(demo_db, catalogs, f"/lidh {code}", "5552", NOW + timedelta(minutes=1))
    assert "përdorur" in again
    assert chat_of(demo_db) == "5551"


def test_expired_code_is_refused(demo_db: Database, catalogs: Catalogs) -> None:
    """After 24 hours the code no longer works."""
    code = code_for(demo_db)
    with demo_db.transaction() as session:
        assert redeem(session, code, "5553", NOW + timedelta(hours=24)) == "expired"
    assert "skaduar" in lidh(demo_db, catalogs, f"/lidh {code}", "5553",
                             NOW + timedelta(hours=25))
    assert chat_of(demo_db) != "5553"
    fresh = code_for(demo_db)
    assert NAME in lidh(demo_db, catalogs, f"/lidh {fresh}", "5553",
                        NOW + timedelta(hours=23, minutes=59))


def test_unknown_or_missing_code(demo_db: Database, catalogs: Catalogs) -> None:
    """A made-up code, garbage, or no code at all get a clean answer and change nothing."""
    before = chat_of(demo_db)
    for text in ("/lidh 22222222", "/lidh " + "Z" * 4000, "/lidh ';DROP TABLE--"):
        assert "nuk është i vlefshëm" in lidh(demo_db, catalogs, text, "5554")
    assert "/lidh" in lidh(demo_db, catalogs, "/lidh", "5554")
    assert chat_of(demo_db) == before


def test_linking_clears_an_old_block(demo_db: Database, catalogs: Catalogs) -> None:
    """A chat that once blocked the bot and now links itself receives alerts again."""
    with demo_db.transaction() as session:
        session.add(Contact(channel="telegram", address="5555", opted_out=True,
                            opted_out_at=NOW))
    lidh(demo_db, catalogs, f"/lidh {code_for(demo_db)}", "5555")
    with demo_db.session() as session:
        assert session.scalar(select(Contact.opted_out).where(
            Contact.channel == "telegram", Contact.address == "5555")) is False


def test_cli_prints_a_code(demo_db: Database, database_url: str) -> None:
    """`sinjalizo contact-points link NAME` prints a code that is stored for that point."""
    runner = CliRunner()
    result = runner.invoke(main, ["--database-url", database_url, "contact-points", "link",
                                  NAME])
    assert result.exit_code == 0, result.output
    code = result.stdout.strip().splitlines()[0]
    with demo_db.session() as session:
        row = session.scalar(select(LinkCode).where(LinkCode.code == code))
        assert row is not None and row.used_at is None
        assert row.expires_at - row.created_at == timedelta(hours=24)
    missing = runner.invoke(main, ["--database-url", database_url, "contact-points", "link",
                                   "Nobody"])
    assert missing.exit_code != 0 and "Nobody" in missing.output
