"""A turn's first statement: take the sender's session row and read all a turn needs first.

One INSERT … ON CONFLICT DO UPDATE … RETURNING creates or touches the (channel, address)
session row — which takes SQLite's write lock or PostgreSQL's row lock, so two messages
from one person run one after another — and returns, besides the row's id and state, the
replies already given to this message id (a provider's retry), the sender's contact (id,
language, opted out), whether the address's one-way hash kept an opt-out after its identity
was removed (models/optout.py), and, when the address is a registered teacher's, the teacher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, String, Table, bindparam, select

from handlers.types import Inbound, TeacherInfo
from models import Contact, ConversationSession, Municipality, ProcessedInbound, School, Teacher
from models.optout import hashed
from models.sql import dialect_insert, json_row, returned

SESSIONS = cast(Table, ConversationSession.__table__)


@dataclass(frozen=True)
class Opening:
    """What the first statement found: the session row and the sender as they stand."""

    session_id: int
    state: dict[str, Any]  # {} for a row no turn has saved yet
    replayed: list[Any] | None  # the replies already given to this message id
    contact: tuple[int, str | None] | None  # the sender's contact id and language
    opted_out: bool
    teacher: TeacherInfo | None

    @property
    def first(self) -> bool:
        """Tell whether no turn has been saved for this address yet."""
        return not self.state


def open_turn(connection: Connection, inbound: Inbound, external_id: str | None) -> Opening:
    """Run the first statement of a turn and return what it found."""
    statement = _statement(connection.dialect.name, inbound.channel == "telegram")
    row = connection.execute(statement, {
        "b_channel": inbound.channel, "b_address": inbound.address, "b_state": {},
        "b_at": inbound.at, "b_sid": external_id,
        "b_hashed": hashed(inbound.channel, inbound.address)}).one()
    contact = row.contact if isinstance(row.contact, list) else None
    return Opening(
        session_id=int(row.id), state=row.state if isinstance(row.state, dict) else {},
        replayed=row.replayed if isinstance(row.replayed, list) else None,
        contact=(int(contact[0]), contact[1]) if contact else None,
        opted_out=bool(contact and contact[2]) or row.hashed_out is not None,
        teacher=TeacherInfo(*row.teacher) if isinstance(row.teacher, list) else None)


# Built once per backend and kind of address: building a statement costs more than running it.
_BUILT: dict[tuple[str, bool], Any] = {}


def _statement(dialect: str, by_chat: bool) -> Any:
    """Return the first statement for a backend, looking teachers up by chat or by phone."""
    key = (dialect, by_chat)
    if key not in _BUILT:
        _BUILT[key] = _build(dialect, by_chat)
    return _BUILT[key]


def _build(dialect: str, by_chat: bool) -> Any:
    """Build the upsert of the session row, returning the turn's facts."""
    channel, address = bindparam("b_channel", type_=String), bindparam("b_address", type_=String)
    replayed = select(ProcessedInbound.replies).where(
        ProcessedInbound.channel == channel,
        ProcessedInbound.external_id == bindparam("b_sid")).scalar_subquery()
    contact = select(json_row(Contact.id, Contact.language, Contact.opted_out)).where(
        Contact.channel == channel, Contact.address == address).scalar_subquery()
    hashed_out = select(Contact.id).where(
        Contact.channel == channel, Contact.address == bindparam("b_hashed", type_=String),
        Contact.opted_out).limit(1).scalar_subquery()
    teacher_address = Teacher.telegram_chat_id if by_chat else Teacher.phone
    teacher = (select(json_row(Teacher.id, School.id, School.name, School.municipality_id,
                               Municipality.name_sq, Municipality.country))
               .join(School, Teacher.school_id == School.id)
               .join(Municipality, School.municipality_id == Municipality.id)
               .where(teacher_address == address, Teacher.active, School.active)
               .scalar_subquery())
    insert = dialect_insert(dialect, SESSIONS).values(
        channel=channel, address=address, state=bindparam("b_state"),
        updated_at=bindparam("b_at"))
    return insert.on_conflict_do_update(
        index_elements=[SESSIONS.c.channel, SESSIONS.c.address],
        set_={"updated_at": insert.excluded.updated_at},
    ).returning(SESSIONS.c.id, SESSIONS.c.state, returned(replayed).label("replayed"),
                returned(contact).label("contact"), returned(hashed_out).label("hashed_out"),
                returned(teacher).label("teacher"))
