"""One conversation turn against the database: lock, replay-check, advance, file, save."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers.engine import advance
from handlers.flow import State, Translator
from handlers.types import FileReport, Inbound, SetLanguage
from models import Contact, ConversationSession, ProcessedInbound
from models.db import Database
from service.filing import find_contact, store_report
from service.places import PlaceIndex
from service.render import RenderedReply, render
from service.world import DbWorld


@dataclass(frozen=True)
class Turn:
    """What the adapter sends back: rendered replies, and what the turn filed."""

    replies: tuple[RenderedReply, ...]
    language: str
    duplicate: bool = False  # the same channel message was handled before
    filed: tuple[str, ...] = field(default=())  # references of reports filed


class Conversations:
    """Runs inbound messages through the engine with state and effects kept in the database."""

    def __init__(self, db: Database, translate: Translator, places: PlaceIndex,
                 default_language: str = "sq", timeout_minutes: int = 30,
                 simulated: bool = False) -> None:
        self.db = db
        self.translate = translate
        self.places = places
        self.default_language = default_language
        self.timeout = timedelta(minutes=timeout_minutes)
        self.simulated = simulated  # simulator reports are stored but alert nobody

    def handle(self, inbound: Inbound, external_id: str | None = None) -> Turn:
        """Handle one message exactly once; a repeated `external_id` gets the same replies."""
        for attempt in range(2):
            try:
                with self.db.transaction() as session:
                    return self._turn(session, inbound, external_id)
            except IntegrityError:
                # A concurrent copy of this message (or a first message from this address)
                # won the race; the second pass finds its row and its stored replies.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _turn(self, session: Session, inbound: Inbound, external_id: str | None) -> Turn:
        """Run the turn inside the caller's transaction."""
        row = self._lock(session, inbound)
        if external_id is not None:
            done = session.scalar(select(ProcessedInbound).where(
                ProcessedInbound.channel == inbound.channel,
                ProcessedInbound.external_id == external_id))
            if done is not None:
                replies = tuple(RenderedReply.from_json(r) for r in done.replies)
                return Turn(replies, row.state.get("language", self.default_language), True)
        contact = self._contact(session, inbound)
        state = State.from_json(row.state, contact.language or self.default_language)
        world = DbWorld(session, self.places)
        outcome = advance(state, inbound, world, self.translate, self.timeout)
        filed: list[str] = []
        for effect in outcome.effects:
            if isinstance(effect, FileReport):
                report = store_report(session, effect.draft, contact, inbound.channel,
                                      outcome.state.language, inbound.at, self.simulated)
                filed.append(report.reference)
            elif isinstance(effect, SetLanguage):
                contact.language = effect.language
        contact.language = outcome.state.language
        row.state = outcome.state.to_json()
        row.updated_at = inbound.at
        language = outcome.state.language
        replies = tuple(render(r, self.translate, language) for r in outcome.replies)
        if external_id is not None:
            session.add(ProcessedInbound(channel=inbound.channel, external_id=external_id,
                                         address=inbound.address,
                                         replies=[r.to_json() for r in replies],
                                         received_at=inbound.at))
        session.flush()
        return Turn(replies, language, False, tuple(filed))

    def _lock(self, session: Session, inbound: Inbound) -> ConversationSession:
        """Take this address's session row for the turn, creating it on first contact.

        Writing first makes SQLite take its write lock now (waiting its busy timeout) and
        makes PostgreSQL lock the row, so two messages from one person run one after another.
        """
        where = (ConversationSession.channel == inbound.channel,
                 ConversationSession.address == inbound.address)
        session.execute(update(ConversationSession).where(*where)
                        .values(updated_at=inbound.at))
        row = session.scalar(select(ConversationSession).where(*where))
        if row is None:
            row = ConversationSession(channel=inbound.channel, address=inbound.address,
                                      state={}, updated_at=inbound.at)
            session.add(row)
            session.flush()
        return row

    def _contact(self, session: Session, inbound: Inbound) -> Contact:
        """Return the contact for the sender, recording a first-time writer."""
        contact = find_contact(session, inbound.channel, inbound.address)
        if contact is None:
            contact = Contact(channel=inbound.channel, address=inbound.address,
                              created_at=inbound.at)
            session.add(contact)
            session.flush()
        contact.last_seen_at = inbound.at
        return contact
