"""Escalation deadlines, for admins: what is in effect, where it comes from, and changing it.

Each deadline comes from the deadlines file unless an admin set it here; a field left empty
goes back to the file's value. A form with any bad value changes nothing and says which.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from babel.dates import format_timedelta
from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from alerts.deadlines import BUILT_IN, DEFAULT, DeadlineError, Deadlines, compact, parse_duration
from handlers.categories import KINDS
from handlers.i18n import Verbatim, msg
from models import DeadlineSetting, User
from models.db import get_db
from service.deadlines import apply, in_effect, stored, within_limits
from web import get_catalogs, get_settings
from web.admin_common import changed_by, problem
from web.audit import record
from web.auth import admin_required
from web.i18n import language, text
from web.reports import file_deadlines

BAD_VALUE = msg("“%(value)s” is not a deadline: write whole minutes, hours or days, such as "
                "“15m”, “24h” or “3d”, from 1 minute to 30 days. Nothing was changed.")
SAVED = msg("Deadlines saved. The alert worker applies them at its next check, "
            "to alerts already waiting too.")
UNCHANGED = msg("Nothing was changed.")


def fields() -> list[tuple[str, bool]]:
    """Return the deadlines the page edits, in order: each kind normal and urgent, then the rest."""
    return [(kind, urgent) for kind in KINDS for urgent in (False, True)] + [(DEFAULT, False)]


def field_name(kind: str, urgent: bool) -> str:
    """Return the form field of one deadline: "hazard.normal", "child_at_risk.urgent", "default"."""
    return kind if kind == DEFAULT else f"{kind}.{'urgent' if urgent else 'normal'}"


def wanted_from_form() -> dict[tuple[str, bool], timedelta | None] | None:
    """Return the deadlines the form asks for (None: the file's), or None if one is bad."""
    wanted: dict[tuple[str, bool], timedelta | None] = {}
    for kind, urgent in fields():
        value = request.form.get(field_name(kind, urgent), "").strip()[:20]
        if not value:
            wanted[(kind, urgent)] = None
            continue
        try:
            duration = parse_duration(value, field_name(kind, urgent))
        except DeadlineError:
            duration = None
        if duration is None or not within_limits(duration):
            problem(msg(BAD_VALUE.msgid, value=Verbatim(value)))
            return None
        wanted[(kind, urgent)] = duration
    return wanted


def _file_value(table: Deadlines, kind: str, urgent: bool) -> timedelta:
    """Return what the file says for one deadline."""
    return table.default if kind == DEFAULT else table.deadline_for(kind, urgent)


def _rows(file: Deadlines, effect: Deadlines,
          settings: dict[tuple[str, bool], DeadlineSetting]) -> list[dict[str, Any]]:
    """Return one row per deadline: its field, what is in effect, the file's value, who set it."""
    locale = get_catalogs(current_app).locale(language())

    def spoken(value: timedelta) -> str:
        """Say a duration in the user's language."""
        return format_timedelta(value, threshold=2, locale=locale)

    rows = []
    for kind, urgent in fields():
        setting = settings.get((kind, urgent))
        now, from_file = _file_value(effect, kind, urgent), _file_value(file, kind, urgent)
        rows.append({"kind": kind, "urgent": urgent, "field": field_name(kind, urgent),
                     "value": compact(now) if setting is not None else "",
                     "in_effect": spoken(now), "file": compact(from_file), "setting": setting})
    return rows


def deadlines_page() -> str | Response:
    """Show the escalation deadlines in effect; save the admin's changes."""
    user: User = g.user
    file = file_deadlines(current_app)
    with get_db(current_app).transaction() as session:
        if request.method == "POST":
            wanted = wanted_from_form()
            if wanted is not None:
                changes = apply(session, wanted, changed_by(user))
                for change in changes:
                    record(session, user.id, "admin", change="escalation deadline",
                           kind=change.kind, urgent=change.urgent,
                           before=compact(change.before) if change.before else "file",
                           after=compact(change.after) if change.after else "file")
                flash(text(SAVED if changes else UNCHANGED), "info")
                return redirect(url_for("admin.deadlines_page"))
        settings = get_settings(current_app)
        rows = _rows(file, in_effect(session, file), stored(session))
        if request.method == "POST":  # refused: show what was typed, to be corrected
            for row in rows:
                row["value"] = request.form.get(row["field"], "")[:20]
        return render_template("admin/deadlines.html", rows=rows, kind_labels=KINDS,
                               source=settings.escalation_file or str(BUILT_IN),
                               built_in=not settings.escalation_file)


def register(bp: Blueprint) -> None:
    """Add the admin-only deadlines page."""
    bp.add_url_rule("/deadlines", "deadlines_page", admin_required(deadlines_page),
                    methods=["GET", "POST"])
