"""What each dashboard user may see: a condition on reports, as a pure function of the user.

An admin sees everything; a coordinator the reports of their municipality; a focal point
the reports of their municipality routed to one of their roles. A report outside someone's
scope does not exist for them: listing skips it and opening it is a 404.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, select, true

from models import Report, ReportRoute, User


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


def may_reassign_anywhere(user: User) -> bool:
    """Tell whether the user may pass a report to another municipality's contact point."""
    return user.role in ("admin", "coordinator")


def holds(user: User) -> ColumnElement[bool]:
    """Return the condition of a report the user holds: a focal point's own reports.

    Admins and coordinators see a report without holding it: a reporter's number, when
    they agreed to be called back, is shown only to those who hold the report.
    """
    return visible(user) if user.role == "focal" else false()
