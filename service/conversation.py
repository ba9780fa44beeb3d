"""One conversation turn against the database: lock, replay-check, advance, file, save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers.engine import advance
from handlers.expiry import keeps
from handlers.flow import Outcome, State, Translator
from handlers.focal import answer_for
from handlers.focal_actions import by_key
from handlers.types import (
    AddToReport,
    AnswerQuestion,
    AnswerReferral,
    AskReporter,
    ChangeStatus,
    FileReport,
    Inbound,
    JoinReport,
    Refer,
    Reply,
    Subscribe,
    TeacherInfo,
    Unsubscribe,
)
from models import Contact, ConversationSession, ProcessedInbound
from models.batch import Batch
from models.db import Database
from service.adding import add_to_report
from service.filing import store_report
from service.focal import act_as_points
from service.joining import join_report
from service.opening import Opening, open_turn
from service.places import PlaceIndex
from service.referral_acting import act_answer, act_refer
from service.relay import answer_question, ask_as_points
from service.render import RenderedReply, render
from service.subscriptions import subscribe, unsubscribe
from service.world import DbWorld, contact_points_at

SESSIONS = cast(Table, ConversationSession.__table__)
# A channel's own screening before the conversation, told whether the sender opted out:
# replies to send instead, or None.
Gate = Callable[[Session, Inbound, bool], "tuple[RenderedReply, ...] | None"]
# Statements of the hot path, built once: building a statement costs more than running it.
SAVE_SESSION = (update(SESSIONS).where(SESSIONS.c.id == bindparam("session_id"))
                .values(state=bindparam("b_state"), updated_at=bindparam("b_at")))
SAVE_EXPIRING = SAVE_SESSION.values(expires_at=bindparam("b_expires"))
CONTACTS = cast(Table, Contact.__table__)
NEW_CONTACT = insert(CONTACTS).returning(CONTACTS.c.id)
TOUCH_CONTACT = (update(CONTACTS).where(CONTACTS.c.id == bindparam("contact_id"))
                 .values(language=bindparam("b_language"), last_seen_at=bindparam("b_at")))
# WhatsApp's 24-hour window opens again with each message the person sends.
TOUCH_WINDOWED = TOUCH_CONTACT.values(last_inbound_at=bindparam("b_at"))
TOUCH_INBOUND = (update(CONTACTS).where(CONTACTS.c.channel == bindparam("b_channel"),
                                        CONTACTS.c.address == bindparam("b_address"))
                 .values(last_inbound_at=bindparam("b_at")))
WINDOWED_CHANNELS = frozenset({"whatsapp"})  # channels whose free text has a time window
PROCESSED = cast(Table, ProcessedInbound.__table__)


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

    def handle(self, inbound: Inbound, external_id: str | None = None,
               gate: Gate | None = None, teacher: TeacherInfo | None = None) -> Turn:
        """Handle one message exactly once; a repeated `external_id` gets the same replies.

        A channel's `gate` (SMS opt-out words) may answer first, in the same transaction.
        `teacher` makes the sender that teacher for this turn (the simulator's stand-in
        teacher); otherwise the sender is a teacher only when registered as one.
        """
        for attempt in range(2):
            try:
                with self.db.transaction() as session:
                    return self._turn(session, inbound, external_id, gate, teacher)
            except IntegrityError:
                # A concurrent copy of this message (or a first message from this address)
                # won the race, or the random reference drawn was taken: the second pass
                # finds the stored replies and the contact, or draws another reference.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _turn(self, session: Session, inbound: Inbound, external_id: str | None,
              gate: Gate | None, teacher: TeacherInfo | None) -> Turn:
        """Run the turn inside the caller's transaction: read first, write together last."""
        opening = open_turn(session.connection(), inbound, external_id)
        language = opening.state.get("language", self.default_language)
        if opening.replayed is not None:
            replies = tuple(RenderedReply.from_json(r) for r in opening.replayed)
            return Turn(replies, language, True)
        writes = Batch()
        screened = gate(session, inbound, opening.opted_out) if gate is not None else None
        if screened is not None:
            if inbound.channel in WINDOWED_CHANNELS:
                writes.change(TOUCH_INBOUND, {"b_channel": inbound.channel,
                                              "b_address": inbound.address, "b_at": inbound.at})
            self._remember(writes, inbound, external_id, screened)
            writes.run(session.connection())
            return Turn(screened, language)
        outcome, state, world = self._advance(session, inbound, opening, teacher)
        language = outcome.state.language
        filed: list[str] = []
        if outcome.effects or opening.first or inbound.channel in WINDOWED_CHANNELS:
            contact_id = self._record_contact(session, writes, inbound, opening.contact,
                                              language)
            outcome, filed = self._carry_out(session, writes, world, inbound, outcome,
                                             contact_id, language)
        self._save(writes, opening.session_id, state, outcome.state, inbound.at)
        replies = tuple(render(r, self.translate, language) for r in outcome.replies)
        self._remember(writes, inbound, external_id, replies)
        writes.run(session.connection())
        return Turn(replies, language, False, tuple(filed))

    def _advance(self, session: Session, inbound: Inbound, opening: Opening,
                 teacher: TeacherInfo | None) -> tuple[Outcome, State, DbWorld]:
        """Run the engine on the stored state; return its outcome, the state before, the world.

        A first turn starts in the language the sender's contact already has, if any.
        """
        known_language = opening.contact[1] if opening.first and opening.contact else None
        state = State.from_json(opening.state or None, known_language or self.default_language)
        world = DbWorld(session, self.places, self.simulated, teacher)
        world.remember_teacher(inbound.channel, inbound.address, opening.teacher)
        return advance(state, inbound, world, self.translate, self.timeout), state, world

    def _carry_out(self, session: Session, writes: Batch, world: DbWorld, inbound: Inbound,
                   outcome: Outcome, contact_id: int,
                   language: str) -> tuple[Outcome, list[str]]:
        """Carry out the turn's effects; return the outcome with their replies, and what filed.

        Filing adds its writes to the turn's; any other effect first sends those gathered,
        since it may read them.
        """
        filed: list[str] = []
        for effect in outcome.effects:
            if isinstance(effect, FileReport):
                store_report(session, effect.draft, contact_id, inbound.channel, language,
                             inbound.at, self.simulated, batch=writes, places=self.places,
                             points=world.points)
                filed.append(effect.draft.reference)
                continue
            writes.run(session.connection())
            answer = self._act(session, inbound, effect, contact_id, language)
            if answer is not None:
                outcome = replace(outcome, replies=(*outcome.replies, answer))
        return outcome, filed

    def _act(self, session: Session, inbound: Inbound, effect: Any, contact_id: int,
             language: str) -> Reply | None:
        """Carry out one effect other than filing; return its answer, if it has one."""
        if isinstance(effect, ChangeStatus):
            return act_on_report(session, inbound, effect)
        if isinstance(effect, AskReporter):
            return ask_as_points(session, contact_points_at(
                session, inbound.channel, inbound.address), effect.reference,
                effect.question, inbound.at, self.translate)
        if isinstance(effect, AnswerQuestion):
            return answer_question(session, effect, contact_id, inbound.at, language)
        if isinstance(effect, JoinReport):
            return join_report(session, effect, contact_id, inbound.channel, inbound.at)
        if isinstance(effect, AddToReport):
            return add_to_report(session, effect, contact_id, inbound.at)
        if isinstance(effect, Refer):
            return act_refer(session, inbound, effect)
        if isinstance(effect, AnswerReferral):
            return act_answer(session, inbound, effect)
        if isinstance(effect, Subscribe):
            return subscribe(session, effect, contact_id, language, inbound.at,
                             simulated=self.simulated)
        if isinstance(effect, Unsubscribe):
            return unsubscribe(session, contact_id)
        return None

    def _save(self, writes: Batch, session_id: int, before: State, after: State,
              at: datetime) -> None:
        """Save the new state; mark (or unmark) it for filing on expiry only when that changes.

        Most turns leave `expires_at` as it was (NULL), and not writing it spares its index.
        """
        values = {"session_id": session_id, "b_state": after.to_json(), "b_at": at}
        if keeps(before) or keeps(after):
            writes.change(SAVE_EXPIRING, {**values, "b_expires": self.files_at(after, at)})
        else:
            writes.change(SAVE_SESSION, values)

    def files_at(self, state: State, at: datetime) -> datetime | None:
        """Return when the worker must file what an abandoned conversation holds, if anything.

        The simulator's conversations are left to the engine: the worker files real reports.
        """
        return at + self.timeout if keeps(state) and not self.simulated else None

    @staticmethod
    def _remember(writes: Batch, inbound: Inbound, external_id: str | None,
                  replies: tuple[RenderedReply, ...]) -> None:
        """Keep the replies under the channel's message id, so a retry gets them again."""
        if external_id is not None:
            writes.insert(PROCESSED, [{
                "channel": inbound.channel, "external_id": external_id,
                "address": inbound.address, "replies": [r.to_json() for r in replies],
                "received_at": inbound.at}])

    @staticmethod
    def _record_contact(session: Session, writes: Batch, inbound: Inbound,
                        known: tuple[int, str | None] | None, language: str) -> int:
        """Create or update the sender's contact with their language; return its id.

        A first-time writer is inserted at once (effects need the id), already in their
        language; an update waits for the turn's other writes. On WhatsApp the same write
        records when they last wrote, which opens the 24-hour window again.
        """
        windowed = inbound.channel in WINDOWED_CHANNELS
        if known is None:
            return int(session.connection().execute(NEW_CONTACT, {
                "channel": inbound.channel, "address": inbound.address, "role": "citizen",
                "opted_out": False, "language": language, "created_at": inbound.at,
                "last_seen_at": inbound.at,
                "last_inbound_at": inbound.at if windowed else None}).scalar_one())
        writes.change(TOUCH_WINDOWED if windowed else TOUCH_CONTACT, {
            "contact_id": known[0], "b_language": language, "b_at": inbound.at})
        return known[0]


def act_on_report(session: Session, inbound: Inbound, action: ChangeStatus) -> Reply:
    """Apply a focal point's chat action as whichever of their contact points the report went to."""
    chosen = by_key(action.action)
    if chosen is None:
        return answer_for("not_found", action.reference, "", "")
    acted = act_as_points(session, contact_points_at(session, inbound.channel, inbound.address),
                          action.reference, chosen, reason=action.reason, note=action.note,
                          now=inbound.at)
    return answer_for(acted.outcome, acted.reference, acted.status, acted.target)
