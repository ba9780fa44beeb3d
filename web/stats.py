"""Statistics of the user's reports for a period, and the six-monthly report to download."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, render_template, request

from models import Municipality, User
from models.db import get_db
from service.period_report import write_all
from service.statistics import PeriodStats, compute
from web import get_catalogs
from web.audit import record
from web.auth import login_required
from web.i18n import language
from web.report_html import chart_filters, period_report
from web.reports import deadlines
from web.scope import visible

bp = Blueprint("stats", __name__)
LONGEST = timedelta(days=800)  # a period longer than two years is refused as a typo


def last_half_year(today: date) -> tuple[date, date]:
    """Return the last complete half-year before `today` (January–June or July–December)."""
    if today.month > 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)


def period(values: dict[str, str]) -> tuple[date, date]:
    """Read a period from a form or query, falling back to the last half-year."""
    start, end = last_half_year(datetime.now(UTC).date())
    try:
        start = date.fromisoformat(values.get("from") or start.isoformat())
        end = date.fromisoformat(values.get("to") or end.isoformat())
    except ValueError:
        pass
    if end < start or end - start > LONGEST:
        start, end = last_half_year(datetime.now(UTC).date())
    return start, end


def figures(user: User, start: date, end: date) -> tuple[PeriodStats, str]:
    """Compute the period's statistics within the user's scope."""
    with get_db(current_app).transaction() as session:
        stats = compute(session, start, end, visible(user), deadlines(current_app),
                        datetime.now(UTC))
        holder = session.get(Municipality, user.municipality_id) \
            if user.municipality_id else None
        label = holder.name_sq if holder is not None and user.role != "admin" \
            else "Kosovo, Shqipëri"
        record(session, user.id, "stats", start=start.isoformat(), end=end.isoformat())
    return stats, label


@bp.get("/stats")
@login_required
def index() -> str:
    """Show the statistics of a period with charts."""
    start, end = period(request.args.to_dict())
    stats, label = figures(g.user, start, end)
    return render_template("stats/index.html", stats=stats, scope_label=label)


@bp.post("/stats/export")
@login_required
def export() -> Response:
    """Return a ZIP of the six-monthly report: CSV, XLSX and printable HTML."""
    start, end = period(request.form.to_dict())
    stats, label = figures(g.user, start, end)
    html = period_report(stats, get_catalogs(current_app), language(), label)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_all(stats, Path(folder), html)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
    with get_db(current_app).transaction() as session:
        record(session, g.user.id, "export", start=start.isoformat(), end=end.isoformat())
    name = f"sinjalizo-{start.isoformat()}-{end.isoformat()}.zip"
    return Response(buffer.getvalue(), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


def init_app(app: Flask) -> None:
    """Serve the statistics pages, with the chart filters in the app's templates."""
    app.register_blueprint(bp)

    @app.template_filter("kind_label")
    def kind_label(row: tuple[str, int]) -> tuple[str, int]:
        """Label a (kind, count) row in the request's language."""
        return chart_filters(get_catalogs(app), language())["kind_label"](row)  # type: ignore[no-any-return]

    @app.template_filter("category_pair")
    def category_pair(row: tuple[str, str, int]) -> tuple[str, int]:
        """Label a (kind, category, count) row in the request's language."""
        return chart_filters(get_catalogs(app), language())["category_pair"](row)  # type: ignore[no-any-return]

