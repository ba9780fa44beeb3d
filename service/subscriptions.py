"""Keeping and ending subscriptions to awareness messages, as the conversation asks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers.i18n import PlaceName
from handlers.subscribe import subscribed_reply, unsubscribed_reply
from handlers.types import Reply, Subscribe
from models import Municipality, Subscription
from service.identity import touched


def subscribe(session: Session, effect: Subscribe, contact_id: int, language: str,
              now: datetime, *, simulated: bool = False) -> Reply:
    """Subscribe the contact to a municipality's messages (or keep it, in the new language)."""
    town = session.get(Municipality, effect.municipality_id)
    name = PlaceName(town.code if town else None, town.name(language) if town else "")
    if simulated:
        # A simulator's made-up address must never end up on a real campaign's list.
        return subscribed_reply(name, new=True)
    found = session.scalar(select(Subscription).where(
        Subscription.contact_id == contact_id,
        Subscription.municipality_id == effect.municipality_id))
    if found is not None:
        found.language = language
        return subscribed_reply(name, new=False)
    try:
        with session.begin_nested():  # the same person subscribing twice at once
            session.add(Subscription(contact_id=contact_id, municipality_id=effect.municipality_id,
                                     language=language, created_at=now))
    except IntegrityError:
        return subscribed_reply(name, new=False)
    return subscribed_reply(name, new=True)


def unsubscribe(session: Session, contact_id: int) -> Reply:
    """End every subscription of the contact; say whether there was any."""
    ended = touched(session.execute(delete(Subscription).where(
        Subscription.contact_id == contact_id)))
    return unsubscribed_reply(ended > 0)
