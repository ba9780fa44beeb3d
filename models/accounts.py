"""Creating and updating dashboard users, for the CLI and the administration pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from handlers.categories import ROLES
from models import ContactPoint, User
from models.imports import MunicipalityIndex, RowProblem
from models.users import USER_ROLES

MIN_PASSWORD = 10


class AccountError(ValueError):
    """A user that cannot be created as asked, with the reason."""


@dataclass(frozen=True)
class Saved:
    """The user saved, and whether it was new."""

    user_id: int
    created: bool


def save_user(session: Session, email: str, password: str, role: str,
              municipality: str | None = None, report_roles: list[str] | None = None,
              language: str = "sq", name: str | None = None) -> Saved:
    """Create a user, or update the one with that e-mail (password, role, scope)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError(f"not an e-mail address: {email!r}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if role not in USER_ROLES:
        raise AccountError(f"role must be one of {', '.join(USER_ROLES)}")
    municipality_id = None
    if role != "admin":
        if not municipality:
            raise AccountError(f"a {role} needs --municipality")
        try:
            municipality_id = MunicipalityIndex.load(session).find(municipality).id
        except RowProblem as problem:
            raise AccountError(str(problem)) from problem
    roles = _report_roles(session, role, email, municipality_id, report_roles)
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    created = user is None
    if user is None:
        user = User(email=email)
        session.add(user)
    user.password_hash = generate_password_hash(password)
    user.role, user.municipality_id, user.report_roles = role, municipality_id, roles
    user.language, user.active, user.failed_logins, user.locked_until = language, True, 0, None
    if name is not None:  # None keeps the name an update does not mention
        user.name = " ".join(name.split())[:120]
    session.flush()
    return Saved(user.id, created)


def _report_roles(session: Session, role: str, email: str, municipality_id: int | None,
                  given: list[str] | None) -> list[str]:
    """Return a focal point's report roles: as given, else those of its contact points."""
    if role != "focal":
        return []
    if given:
        unknown = [r for r in given if r not in ROLES]
        if unknown:
            raise AccountError(f"unknown roles {unknown}; known: {', '.join(ROLES)}")
        return list(dict.fromkeys(given))
    found = sorted(set(session.scalars(select(ContactPoint.role).where(
        func.lower(ContactPoint.email) == email, ContactPoint.municipality_id == municipality_id,
        ContactPoint.active))))
    if not found:
        raise AccountError("a focal point needs --roles (no contact point in that municipality "
                           "has this e-mail)")
    return found
