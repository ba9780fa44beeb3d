"""A person's data, for admins: export everything held about an address, or remove it.

The same as `sinjalizo subject export|erase` (service/subject.py). The export downloads as
JSON; removing asks for the address to be typed a second time. The audit log names the
person masked (+383••••••56), never in full, since it must not keep what was removed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from handlers.i18n import Msg, Verbatim, When, msg
from models import User
from models.db import get_db
from service.identity import said
from service.subject import Subject, SubjectError, erase, parse_subject
from service.subject_export import export
from web.admin_common import problem
from web.audit import record
from web.auth import admin_required

NOT_AN_ADDRESS = msg("“{value}” is neither a phone number nor a Telegram chat id. Write a "
                     "number as people write it, such as +383 44 123 456 or 044 123 456, or "
                     "a chat id, such as 5551.")
FILED_FIRST = msg("This number is in the middle of a report about a child, which Sinjalizo "
                  "files at {when}. Nothing was removed: remove it again after that, so that "
                  "the child is not lost.")
DIFFERENT = msg("The address typed the second time is not the same, so nothing was removed.")
KEPT_TEACHER = msg("Kept: the registration of {name} as a teacher at {school}. Staff records "
                   "are changed under Schools and teachers.")
KEPT_POINT = msg("Kept: the registration of {name} as a contact point. Staff records are "
                 "changed under Contact points.")


def subject_from(field: str) -> Subject | None:
    """Return the subject a form field names, or None after saying why it is not one."""
    value = request.form.get(field, "").strip()[:64]
    try:
        return parse_subject(value)
    except SubjectError:
        problem(msg(NOT_AN_ADDRESS.msgid, value=Verbatim(value)))
        return None


def page() -> str:
    """Show the two forms: export, and remove with the address typed twice."""
    return render_template("admin/subject.html", result=None)


def download() -> Response:
    """Download as JSON everything held about the address in the form."""
    user: User = g.user
    subject = subject_from("address")
    if subject is None:
        return redirect(url_for("admin.subject"))
    now = datetime.now(UTC)
    with get_db(current_app).transaction() as session:
        data = export(session, subject, now)
        record(session, user.id, "subject_export", subject=subject.masked)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    name = f"sinjalizo-person-{now:%Y%m%d-%H%M}.json"
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def remove() -> str | Response:
    """Remove the identity of the address typed twice, and say what was removed."""
    user: User = g.user
    subject, again = subject_from("address"), subject_from("confirm")
    if subject is None or again is None:
        return redirect(url_for("admin.subject"))
    if not subject.same_as(again):
        problem(DIFFERENT)
        return redirect(url_for("admin.subject"))
    with get_db(current_app).transaction() as session:
        done = erase(session, subject, datetime.now(UTC), f"staff:{user.id}")
        if done.files_at is not None:
            problem(msg(FILED_FIRST.msgid, when=When(done.files_at)))
            return redirect(url_for("admin.subject"))
        record(session, user.id, "subject_erase", subject=subject.masked,
               **done.removed.counts())
    kept = [_kept(entry) for entry in done.kept]
    return render_template("admin/subject.html", result=said(done.removed), kept=kept,
                           who=subject.masked)


def _kept(entry: dict[str, Any]) -> Msg:
    """Say a staff registration the erasure kept."""
    if entry["as"] == "teacher":
        return msg(KEPT_TEACHER.msgid, name=Verbatim(entry["name"]),
                   school=Verbatim(entry["school"]))
    return msg(KEPT_POINT.msgid, name=Verbatim(entry["name"]))


def register(bp: Blueprint) -> None:
    """Add the admin-only page of a person's data."""
    bp.add_url_rule("/person", "subject", admin_required(page), methods=["GET"])
    bp.add_url_rule("/person/export", "subject_export", admin_required(download),
                    methods=["POST"])
    bp.add_url_rule("/person/erase", "subject_erase", admin_required(remove), methods=["POST"])
