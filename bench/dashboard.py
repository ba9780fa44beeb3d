"""Dashboard benchmark: the report list and six-month statistics over 1,000,000 reports.

PostgreSQL only (a throwaway cluster, or SINJALIZO_BENCH_POSTGRES_URL). One million reports
over two years are generated in SQL (15% in Prishtinë, the rest across all municipalities;
most finished, some open, some urgent), each with one route; events are not generated, as
neither page reads them. Pages are timed server-side through Flask's test client, signed
in as Prishtinë's coordinator and as an admin. Goals: list p95 <= 150 ms; statistics <= 3 s.
The plan of the coordinator's list query is printed, to name the index it uses.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

# The project root replaces the script's folder on the path, where bench/telegram.py would
# shadow the `telegram` package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from sqlalchemy import create_engine, select, text  # noqa: E402

from models import Municipality, User  # noqa: E402
from models.accounts import save_user  # noqa: E402
from models.db import Database  # noqa: E402
from models.migrate import upgrade  # noqa: E402

REPORTS = int(os.environ.get("SINJALIZO_BENCH_REPORTS", "1000000"))
REQUESTS = 200
PASSWORD = "bench password"

GENERATE = """
INSERT INTO reports (reference, kind, category, urgent, status, municipality_id, latitude,
    longitude, place_text, description, details, anonymous, callback_consent, channel,
    language, unrouted, simulated, created_at, updated_at, acknowledged_at, resolved_at,
    confirmations)
SELECT 'R-' || lpad(to_hex(i), 8, '0'), k.kind, k.category, r2 < 0.08,
    CASE WHEN r1 < 0.70 THEN 'resolved' WHEN r1 < 0.80 THEN 'closed'
         WHEN r1 < 0.88 THEN 'in_progress' WHEN r1 < 0.94 THEN 'acknowledged' ELSE 'routed' END,
    CASE WHEN r3 < 0.15 THEN :home ELSE 1 + floor(r3 * 1000)::int % 99 END,
    42.0 + r2, 20.5 + r1, 'bench', 'benchmark report', '{}', true, false, 'sms', 'sq',
    r3 > 0.995, false, at, at,
    CASE WHEN r1 < 0.94 THEN at + (r2 * interval '30 hours') END,
    CASE WHEN r1 < 0.80 THEN at + (r2 * interval '300 hours') END, 0
FROM (SELECT i, random() AS r1, random() AS r2, random() AS r3,
             now() - random() * interval '730 days' AS at
      FROM generate_series(1, :count) AS i) AS g
CROSS JOIN LATERAL (SELECT kind, category FROM (VALUES
    ('hazard', 'open_pit'), ('hazard', 'stray_dogs'), ('hazard', 'dump'),
    ('child_at_risk', 'violence'), ('child_at_risk', 'neglect'), ('child_at_risk', 'street'),
    ('dropout', 'dropout'), ('dropout', 'absence')) AS v(kind, category)
    OFFSET floor(g.r1 * 8)::int LIMIT 1) AS k
"""
ROUTES = """
INSERT INTO report_routes (report_id, contact_point_id, role, created_at, level, state)
SELECT id, NULL, CASE kind WHEN 'hazard' THEN 'public_services'
    WHEN 'dropout' THEN 'dropout_team' ELSE 'child_protection' END, created_at,
    CASE WHEN id % 50 = 0 THEN 1 ELSE 0 END, 'alerted'
FROM reports
"""


def prepare(url: str) -> int:
    """Migrate, seed, generate the reports and users; return Prishtinë's id."""
    from models.seed import seed_demo, seed_municipalities

    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        seed_municipalities(session)
        seed_demo(session)
        home = session.scalars(select(Municipality.id).where(
            Municipality.name_sq == "Prishtinë")).one()
        save_user(session, "admin@bench", PASSWORD, "admin")
        save_user(session, "coordinator@bench", PASSWORD, "coordinator", "Prishtinë")
    began = time.perf_counter()
    with db.transaction() as session:
        session.execute(text(GENERATE), {"home": home, "count": REPORTS})
        session.execute(text(ROUTES))
    with db.engine.connect() as connection:  # type: ignore[union-attr]
        connection.execute(text("COMMIT"))
        connection.execute(text("ANALYZE"))
    print(f"Generated {REPORTS:,} reports and their routes in "
          f"{time.perf_counter() - began:.0f} s.", flush=True)
    db.dispose()
    return int(home)


def timed(client: object, path: str, count: int) -> list[float]:
    """Return the milliseconds of `count` GETs of `path`, after two warm-up requests."""
    get = client.get  # type: ignore[attr-defined]
    for _ in range(2):
        assert get(path).status_code == 200, path
    times = []
    for _ in range(count):
        began = time.perf_counter()
        response = get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, path
    return times


def signed_in(app: object, email: str) -> object:
    """Return a test client whose session is that user's."""
    from models.db import get_db

    client = app.test_client()  # type: ignore[attr-defined]
    with get_db(app).session() as session:  # type: ignore[arg-type]
        user_id = session.scalars(select(User.id).where(User.email == email)).one()
    with client.session_transaction() as flask_session:
        flask_session["user_id"], flask_session["seen"] = user_id, time.time() + 10**6
    return client


def row(name: str, times: list[float], goal: float) -> str:
    """Return one table row: p50, p95 and whether the goal is met."""
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    verdict = "ok" if p95 <= goal else "MISSED"
    return (f"| {name:<44} | {len(times):>4} | {statistics.median(times):>7.1f} | "
            f"{p95:>7.1f} | {verdict:<6} |")


def measure(url: str) -> None:
    """Time the pages and print the table and the plan."""
    from web import create_app

    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    coordinator, admin = signed_in(app, "coordinator@bench"), signed_in(app, "admin@bench")
    since = date(datetime.now(UTC).year, 1, 1).isoformat()
    print("| page (server-side)                           | reqs |  p50 ms |  p95 ms | goal   |")
    print("|----------------------------------------------|------|---------|---------|--------|")
    for who, client in (("coordinator", coordinator), ("admin", admin)):
        for label, path in (("newest 50", "/reports"),
                            ("child at risk, routed", "/reports?kind=child_at_risk&status=routed"),
                            ("overdue", "/reports?overdue=1"),
                            (f"urgent since {since}", f"/reports?urgent=yes&from={since}")):
            print(row(f"{who}: {label}", timed(client, path, REQUESTS), 150), flush=True)
        page = client.get("/reports").get_data(as_text=True)  # type: ignore[attr-defined]
        older = page.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
        print(row(f"{who}: second page", timed(client, older, REQUESTS), 150), flush=True)
    for who, client in (("coordinator", coordinator), ("admin", admin)):
        path = "/stats?from=2025-01-01&to=2025-06-30"
        print(row(f"{who}: six-month statistics", timed(client, path, 5), 3000), flush=True)
    engine = create_engine(url)
    with engine.connect() as connection:
        home = connection.execute(text(
            "SELECT id FROM municipalities WHERE name_sq = 'Prishtinë'")).scalar_one()
        plan = connection.execute(text(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM reports WHERE municipality_id = :m "
            "ORDER BY created_at DESC, id DESC LIMIT 51"), {"m": home}).scalars().all()
    engine.dispose()
    print("\nPlan of the coordinator's newest 50:")
    for line in plan[:6]:
        print("   ", line)


def main() -> None:
    """Start PostgreSQL, generate the data, measure."""
    from bench.sms import postgres_database
    from tests.pgcluster import ThrowawayPostgres

    given = os.environ.get("SINJALIZO_BENCH_POSTGRES_URL")
    cluster = None if given else ThrowawayPostgres()
    try:
        server = given or cluster.start()  # type: ignore[union-attr]
        url = postgres_database(server).replace("sinjalizo_bench_sms", "sinjalizo_bench_dash")
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "sinjalizo_bench_dash"'))
            connection.execute(text('CREATE DATABASE "sinjalizo_bench_dash"'))
        admin.dispose()
        prepare(url)
        measure(url)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
