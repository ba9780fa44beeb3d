"""Who asked to receive nothing more, on any channel: SMS STOP, error 21610, a blocked bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.people import Contact

# Asked before every inbound SMS and every alert, so built once.
OPTED_OUT = select(Contact.opted_out).where(Contact.channel == bindparam("channel"),
                                            Contact.address == bindparam("address"))


def find_contact(session: Session, channel: str, address: str) -> Contact | None:
    """Return the contact of an address, if it ever wrote or was written to."""
    return session.scalar(select(Contact).where(Contact.channel == channel,
                                                Contact.address == address))


def is_opted_out(session: Session, channel: str, address: str) -> bool:
    """Tell whether the address asked to receive nothing more."""
    return bool(session.connection().scalar(OPTED_OUT, {"channel": channel,
                                                        "address": address}))


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
    contact = find_contact(session, channel, address)
    if contact is None or not contact.opted_out:
        return False
    contact.opted_out, contact.opted_out_at = False, None
    return True
