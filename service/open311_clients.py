"""Open311 API clients: issuing a key (shown once), revoking it, and checking one sent.

The key is 32 random bytes in URL-safe base64, prefixed "s311_" so that a key pasted
somewhere it should not be is recognisable. Only its SHA-256 is stored. Issuing and revoking
are audited like every other admin change, by the dashboard and by the command line alike.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ApiClient
from models.users import add_audit_entry

PREFIX = "s311_"
NAME_LENGTH = 80
KEY_LENGTH = 200  # longer than any key we issue: anything longer is refused unread
# Writing last_used_at on every request would make each POST a write on this row too.
USED_GRANULARITY = timedelta(minutes=5)


class ClientError(ValueError):
    """A client cannot be issued or revoked; the message says why, in English."""


@dataclass(frozen=True)
class Issued:
    """A client just issued, with its key in clear: the only time the key is known."""

    client_id: int
    name: str
    key: str


def key_hash(key: str) -> str:
    """Return the stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def clean_name(name: str) -> str:
    """Return a client's name with spacing tidied; raise ClientError if empty or too long."""
    tidy = " ".join(name.split())
    if not tidy:
        raise ClientError("a client needs a name")
    if len(tidy) > NAME_LENGTH:
        raise ClientError(f"a client's name has at most {NAME_LENGTH} characters")
    return tidy


def find_client(session: Session, name: str) -> ApiClient | None:
    """Return the client of that name, ignoring case."""
    return session.scalar(select(ApiClient).where(
        func.lower(ApiClient.name) == " ".join(name.split()).lower()))


def issue(session: Session, name: str, now: datetime, *, user_id: int | None = None,
          address: str = "", by: str | None = None) -> Issued:
    """Create a client and its key, audited; raise ClientError if the name is taken."""
    tidy = clean_name(name)
    if find_client(session, tidy) is not None:
        raise ClientError(f"a client named {tidy!r} already exists")
    key = PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=tidy, key_hash=key_hash(key), created_by=user_id, created_at=now)
    session.add(client)
    session.flush()
    _audit(session, now, "open311 key issued", client, user_id, address, by)
    return Issued(client.id, tidy, key)


def revoke(session: Session, client: ApiClient, now: datetime, *, user_id: int | None = None,
           address: str = "", by: str | None = None) -> bool:
    """Revoke a client's key, audited; False if it was revoked already."""
    if client.revoked_at is not None:
        return False
    client.revoked_at = now
    _audit(session, now, "open311 key revoked", client, user_id, address, by)
    return True


def key_is_valid(session: Session, key: str) -> bool:
    """Tell, without writing anything, whether a key belongs to an active client."""
    if not key or len(key) > KEY_LENGTH:
        return False
    return session.scalar(select(ApiClient.id).where(
        ApiClient.key_hash == key_hash(key), ApiClient.revoked_at.is_(None))) is not None


def client_for_key(session: Session, key: str, now: datetime) -> ApiClient | None:
    """Return the active client holding this key (noting its use), or None."""
    if not key or len(key) > KEY_LENGTH:
        return None
    client = session.scalar(select(ApiClient).where(ApiClient.key_hash == key_hash(key)))
    if client is None or client.revoked_at is not None:
        return None
    if client.last_used_at is None or now - client.last_used_at >= USED_GRANULARITY:
        client.last_used_at = now
    return client


def clients(session: Session) -> list[ApiClient]:
    """Return every client, active ones first, then by name."""
    return list(session.scalars(select(ApiClient).order_by(
        ApiClient.revoked_at.is_not(None), func.lower(ApiClient.name))))


def _audit(session: Session, now: datetime, change: str, client: ApiClient,
           user_id: int | None, address: str, by: str | None) -> None:
    """Write the audit entry of an issued or revoked key (never the key itself)."""
    detail: dict[str, Any] = {"change": change, "client": client.name}
    if by is not None:  # "command line"; a dashboard entry names its user instead
        detail["by"] = by
    add_audit_entry(session, now, "admin", detail, user_id=user_id, address=address)
