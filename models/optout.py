"""Who asked to receive nothing more, on any channel: SMS STOP, error 21610, a blocked bot.

When a person's identity is removed (retention, or at their request) while they are opted
out, their contact is kept only as a one-way hash of the address (`hashed`), so that the
opt-out still holds: the check below looks for the address and for its hash in one query.
The hash is keyed with a fixed key, not SECRET_KEY, so that it survives a change of that
key and every process can compute it without configuration. It removes the readable list of
numbers from the database and its backups; it cannot make a phone number unguessable to
someone holding the database and this code, who may hash candidate numbers one by one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.people import Contact

HASHED_ROLE = "hashed"  # a contact kept only as its address's hash, for its opt-out
HASH_KEY = b"sinjalizo/opt-out/v1"
# Asked before every inbound SMS and every alert, so built once: the address or its hash.
OPTED_OUT = select(Contact.id).where(
    Contact.channel == bindparam("channel"),
    Contact.address.in_([bindparam("address"), bindparam("hashed")]),
    Contact.opted_out).limit(1)


def hashed(channel: str, address: str) -> str:
    """Return the one-way hash an address is kept as once its identity is removed."""
    mac = hmac.new(HASH_KEY, f"{channel}\x00{address}".encode(), hashlib.sha256).digest()
    return "#" + base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def find_contact(session: Session, channel: str, address: str) -> Contact | None:
    """Return the contact of an address, if it ever wrote or was written to."""
    return session.scalar(select(Contact).where(Contact.channel == channel,
                                                Contact.address == address))


def is_opted_out(session: Session, channel: str, address: str) -> bool:
    """Tell whether the address asked to receive nothing more."""
    return session.connection().scalar(OPTED_OUT, {
        "channel": channel, "address": address, "hashed": hashed(channel, address)}) is not None


def mark_opted_out(session: Session, channel: str, address: str, now: datetime) -> Contact:
    """Record that the address receives nothing more, creating its contact if needed."""
    contact = find_contact(session, channel, address)
    if contact is None:
        try:
            # A savepoint, so that a concurrent first message from this address only costs a retry.
            with session.begin_nested():
                contact = Contact(channel=channel, address=address, role="citizen",
                                  opted_out=True, opted_out_at=now, created_at=now)
                session.add(contact)
            return contact
        except IntegrityError:
            contact = find_contact(session, channel, address)
            if contact is None:
                raise
    if not contact.opted_out:
        contact.opted_out, contact.opted_out_at = True, now
    return contact


def clear_opt_out(session: Session, channel: str, address: str) -> bool:
    """Let the address receive messages again; tell whether it had opted out."""
    # An opt-out kept as a hash has nothing else to keep: the person starts afresh.
    forgotten = session.execute(delete(Contact).where(
        Contact.channel == channel, Contact.address == hashed(channel, address),
        Contact.role == HASHED_ROLE))
    was_hashed = bool(getattr(forgotten, "rowcount", 0))
    contact = find_contact(session, channel, address)
    if contact is None or not contact.opted_out:
        return was_hashed
    contact.opted_out, contact.opted_out_at = False, None
    return True
