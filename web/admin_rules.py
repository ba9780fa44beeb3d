"""Routing rules, for admins: what is in effect and where it comes from.

A routing rule row (models.RoutingRule) overrides the built-in table of routing/rules.py:
for a report, the stored rules are tried first and the most specific match gives the roles;
only when none matches does the built-in table answer. The table has no "active" column,
so a rule is removed outright, with its full content kept in the audit log.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from handlers.categories import KINDS, ROLES, category_label
from handlers.i18n import msg
from models import Municipality, RoutingRule, User
from models.db import get_db
from routing.rules import DEFAULT_RULES, roles_for
from service.routes import load_rules
from web.admin_common import number, problem
from web.audit import record
from web.auth import admin_required
from web.filters import CATEGORIES
from web.i18n import by_name, place

BAD_RULE = msg("A rule needs a kind, a category of that kind (or any), and at least one role.")
URGENCY = {"yes": True, "no": False, "": None}


def rule_from_form(session: Session) -> RoutingRule | None:
    """Return the rule the form describes, or None (after saying why) when it is not valid."""
    form = request.form
    kind, category = form.get("kind", ""), form.get("category", "")
    roles = [role for role in dict.fromkeys(form.getlist("roles")) if role in ROLES]
    town = number(form.get("municipality", ""))
    valid = (kind in KINDS and roles and form.get("urgent", "") in URGENCY
             and (not category or category in {c.key for c in CATEGORIES[kind]})
             and (town is None or session.get(Municipality, town) is not None))
    if not valid:
        problem(BAD_RULE)
        return None
    return RoutingRule(kind=kind, category=category or None,
                       urgent=URGENCY[form.get("urgent", "")], municipality_id=town,
                       roles=" ".join(roles), note=form.get("note", "").strip()[:500])


def _described(rule: RoutingRule) -> dict[str, Any]:
    """Return a rule's content for the audit log."""
    return {"rule": rule.id, "kind": rule.kind, "category": rule.category,
            "urgent": rule.urgent, "municipality": rule.municipality_id, "roles": rule.roles,
            "note": rule.note}


def rules() -> str | Response:
    """Show the stored and built-in routing rules and what they give; add or remove a rule."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        if request.method == "POST":
            removed = session.get(RoutingRule, number(request.form.get("remove", "")) or 0)
            if removed is not None:
                record(session, user.id, "admin", change="routing rule removed",
                       **_described(removed))
                session.delete(removed)
            elif "remove" not in request.form and (rule := rule_from_form(session)):
                session.add(rule)
                session.flush()
                record(session, user.id, "admin", change="routing rule added", **_described(rule))
            return redirect(url_for("admin.rules"))
        stored = list(session.scalars(select(RoutingRule).order_by(RoutingRule.kind,
                                                                     RoutingRule.id)))
        towns = [(m.id, place(m)) for m in by_name(session.scalars(select(Municipality)))]
        return render_template("admin/rules.html", stored=stored, defaults=DEFAULT_RULES,
                               names=dict(towns), municipalities=towns, roles=ROLES,
                               kinds=KINDS, categories=CATEGORIES, category_label=category_label,
                               trial=_trial(session))


def _trial(session: Session) -> dict[str, Any] | None:
    """Answer the page's "which roles would be alerted?" question, if it was asked."""
    ask = request.args
    kind, category = ask.get("kind", ""), ask.get("category", "")
    if kind not in KINDS:
        return None
    urgent, town = ask.get("urgent") == "yes", number(ask.get("municipality", ""))
    found = roles_for(kind, category, urgent, town, load_rules(session, kind))
    return {"kind": kind, "category": category, "urgent": urgent, "municipality": town,
            "roles": found}


def register(bp: Blueprint) -> None:
    """Add the admin-only routing rules page."""
    bp.add_url_rule("/rules", "rules", admin_required(rules), methods=["GET", "POST"])
