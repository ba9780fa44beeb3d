"""What the administration pages share: who may enter, whose rows they may touch, messages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar, cast

from flask import abort, flash, g
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from handlers.i18n import Msg
from models import Municipality, User
from web.auth import login_required
from web.i18n import by_name, text

View = TypeVar("View", bound=Callable[..., Any])


def manager_required(view: View) -> View:
    """Let admins and coordinators through; focal points get 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        """Run the view only for an admin or a coordinator."""
        if g.user.role not in ("admin", "coordinator"):
            abort(HTTPStatus.FORBIDDEN)
        return view(*args, **kwargs)

    return cast(View, wrapped)


def own_municipality(user: User, municipality_id: int | None) -> None:
    """Abort 404 unless the user manages that municipality (the same as a missing row)."""
    if user.role != "admin" and (municipality_id is None
                                 or municipality_id != user.municipality_id):
        abort(HTTPStatus.NOT_FOUND)


def manages(user: User, municipality_id: int | None) -> bool:
    """Tell whether the user manages rows of that municipality (None: national rows)."""
    return user.role == "admin" or (municipality_id is not None
                                    and municipality_id == user.municipality_id)


def municipalities(session: Session, user: User) -> list[Municipality]:
    """Return the municipalities the user may put things in, by name."""
    query: Select[Municipality] = select(Municipality)
    if user.role != "admin":
        query = query.where(Municipality.id == user.municipality_id)
    return by_name(session.scalars(query))


def changed_by(user: User) -> str:
    """Return how a row records that the dashboard user changed it."""
    return f"dashboard:{user.email}"


def number(value: str) -> int | None:
    """Return a form field's positive whole number, or None."""
    value = value.strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def problem(message: Msg | str) -> None:
    """Show an error at the top of the next page (model errors arrive as plain English)."""
    flash(text(message) if isinstance(message, Msg) else message, "error")
