"""Signing in to the dashboard: passwords, lockout after 6 failures, idle timeout after 1 hour.

The signed session cookie holds the user's id and when they were last seen. Every request
reloads the user, so a deactivated account is out at once; an hour without a request ends
the session. Six wrong passwords in a row lock the account for 30 minutes (a correct
password does not open it early). An unknown e-mail is answered like a wrong password.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response

from handlers.i18n import msg
from models import User
from models.db import get_db
from web.audit import record
from web.i18n import text

bp = Blueprint("auth", __name__)
MAX_FAILURES = 6
LOCKOUT = timedelta(minutes=30)
IDLE = timedelta(hours=1)
View = TypeVar("View", bound=Callable[..., Any])

BAD_LOGIN = msg("Wrong e-mail or password.")
LOCKED = msg("Too many failed attempts. This account is locked for 30 minutes.")
TIMED_OUT = msg("You were signed out after an hour without activity. Please sign in again.")
SIGNED_OUT = msg("You are signed out.")


def hash_password(password: str) -> str:
    """Return a salted hash of a password (werkzeug's scrypt)."""
    return generate_password_hash(password)


def now() -> datetime:
    """Return the current time (UTC)."""
    return datetime.now(UTC)


def load_user() -> None:
    """Put the signed-in user on `g`, ending the session when idle too long or deactivated."""
    g.user = None
    user_id, seen = session.get("user_id"), session.get("seen")
    if not isinstance(user_id, int) or not isinstance(seen, int | float):
        return
    if now().timestamp() - seen > IDLE.total_seconds():
        session.clear()
        flash(text(TIMED_OUT), "info")
        return
    with get_db(current_app).session() as db_session:
        user = db_session.get(User, user_id)
        if user is not None:
            db_session.expunge(user)
    if user is None or not user.active:
        session.clear()
        return
    g.user = user
    session["seen"] = now().timestamp()


def login_required(view: View) -> View:
    """Send anyone not signed in to the sign-in page, then back."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        """Run the view only for a signed-in user."""
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return cast(View, wrapped)


def admin_required(view: View) -> View:
    """Let only admins through (others get 403)."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        """Run the view only for an admin."""
        if g.user.role != "admin":
            abort(HTTPStatus.FORBIDDEN)
        return view(*args, **kwargs)

    return cast(View, wrapped)


def _safe_next(target: str | None) -> str:
    """Return a local path to go back to after sign-in (never another site)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("reports.index")


def attempt(email: str, password: str, at: datetime) -> User | str:
    """Check a sign-in; return the user, or "bad" or "locked", counting failures."""
    with get_db(current_app).transaction() as db_session:
        user = db_session.scalar(select(User).where(
            func.lower(User.email) == email.strip().lower()).with_for_update())
        if user is None or not user.active:
            check_password_hash(hash_password("x"), password)  # the same time as a real check
            return "bad"
        if user.locked_until is not None and user.locked_until > at:
            record(db_session, user.id, "login_locked")
            return "locked"
        if not check_password_hash(user.password_hash, password):
            user.failed_logins += 1
            record(db_session, user.id, "login_failed")
            if user.failed_logins >= MAX_FAILURES:
                user.failed_logins, user.locked_until = 0, at + LOCKOUT
                return "locked"
            return "bad"
        user.failed_logins, user.locked_until, user.last_login_at = 0, None, at
        record(db_session, user.id, "login")
        db_session.flush()
        db_session.expunge(user)
        return user


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Show the sign-in form and check what was sent."""
    if g.get("user") is not None:
        return redirect(_safe_next(request.args.get("next")))
    status = HTTPStatus.OK
    if request.method == "POST":
        result = attempt(request.form.get("email", "")[:254],
                         request.form.get("password", "")[:1024], now())
        if isinstance(result, User):
            session.clear()
            session["user_id"], session["seen"] = result.id, now().timestamp()
            return redirect(_safe_next(request.args.get("next")))
        flash(text(LOCKED if result == "locked" else BAD_LOGIN), "error")
        status = HTTPStatus.UNAUTHORIZED
    return render_template("login.html"), status  # type: ignore[return-value]


@bp.post("/logout")
def logout() -> Response:
    """End the session."""
    session.clear()
    flash(text(SIGNED_OUT), "info")
    return redirect(url_for("auth.login"))


@bp.get("/language/<code>")
def choose_language(code: str) -> Response:
    """Remember a language picked on the page (and the user's own, once signed in)."""
    from locales import LANGUAGES

    if code in LANGUAGES:
        session["language"] = code
        if g.get("user") is not None:
            with get_db(current_app).transaction() as db_session:
                user = db_session.get(User, g.user.id)
                if user is not None:
                    user.language = code
    return redirect(_safe_next(request.args.get("next")))


def init_app(app: Flask) -> None:
    """Load the user before every request and serve the sign-in pages."""
    app.before_request(load_user)
    app.register_blueprint(bp)
