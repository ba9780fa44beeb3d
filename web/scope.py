"""What each dashboard user may see: a condition on reports, as a pure function of the user.

An admin sees everything; a coordinator the reports of their municipality; a focal point
the reports of their municipality routed to one of their roles. A report outside someone's
scope does not exist for them: listing skips it and opening it is a 404.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, select, true

from models import Report, ReportRoute, User
from service.statistics import Scope

COUNTRIES = ("XK", "AL")


def visible(user: User) -> ColumnElement[bool]:
    """Return the condition a report must meet for `user` to see it."""
    if user.role == "admin":
        return true()
    if user.municipality_id is None:
        return false()
    here = Report.municipality_id == user.municipality_id
    if user.role == "coordinator":
        return here
    roles = [r for r in (user.report_roles or []) if isinstance(r, str)]
    if user.role != "focal" or not roles:
        return false()
    routed = exists(select(ReportRoute.id).where(ReportRoute.report_id == Report.id,
                                                 ReportRoute.role.in_(roles)))
    return and_(here, routed)


def statistics_scope(user: User, country: str = "") -> Scope:
    """Return whose reports the user's statistics count, with `country` (admins only).

    An admin's figures may be narrowed to a country; anyone else's municipality fixes it.
    """
    if user.role == "admin":
        return Scope(country=country if country in COUNTRIES else None)
    if user.municipality_id is None:
        return Scope(condition=false())
    if user.role == "coordinator":
        return Scope(municipality_id=user.municipality_id)
    return Scope(municipality_id=user.municipality_id, condition=visible(user))


def chosen_country(user: User, value: str | None) -> str:
    """Return the country an admin chose to look at (XK | AL), or "" for both or anyone else."""
    return value if user.role == "admin" and value in COUNTRIES else ""


def may_reassign_anywhere(user: User) -> bool:
    """Tell whether the user may pass a report to another municipality's contact point."""
    return user.role in ("admin", "coordinator")


def holds(user: User) -> ColumnElement[bool]:
    """Return the condition of a report the user holds: a focal point's own reports.

    Admins and coordinators see a report without holding it: a reporter's number, when
    they agreed to be called back, is shown only to those who hold the report.
    """
    return visible(user) if user.role == "focal" else false()
