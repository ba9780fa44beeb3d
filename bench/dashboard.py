"""Dashboard benchmark: the report list and six-month statistics over 1,000,000 reports.

PostgreSQL only (a throwaway cluster, or SINJALIZO_BENCH_POSTGRES_URL). One million reports
over the last two years are generated in SQL, spread over all 99 municipalities by rough
population (Tiranë and Prishtinë most), with the kinds, categories and urgency people send;
old reports are mostly resolved or closed, recent ones mostly open. Each report gets its
route (the role its kind goes to; 3% escalated) and the two events filing writes.

The generated rows bypass the application, so the monthly roll-ups of the statistics are
then built by `models.tallies.catch_up`, as the upgrade to them does (timed).

Pages are timed server-side through Flask's test client (200 requests each after a warm-up),
signed in as Prishtinë's coordinator and as an admin: the newest 50, four filtered lists
and the second page. Statistics of the last complete half-year are timed as
`service.statistics.compute`, first counted from the reports as before the roll-ups
(`rollups=False`), then from the roll-ups, and as GET /stats (that period, and the page's
default, the current half-year). Goals: list p95 <= 150 ms; an admin's six-month
statistics <= 300 ms. Then the plans of the coordinator's list queries and of the admin's
statistics queries are summed up (plan nodes, indexes, buffers, execution time).
Set SINJALIZO_BENCH_REPORTS to generate fewer reports for a quick try.
"""

from __future__ import annotations

import math
import os
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# The project root replaces the script's folder on the path, where bench/telegram.py would
# shadow the `telegram` package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import Engine, create_engine, event, select, text  # noqa: E402

from models import Municipality, User  # noqa: E402
from models.accounts import save_user  # noqa: E402
from models.db import Database, get_db  # noqa: E402
from models.migrate import upgrade  # noqa: E402

REPORTS = int(os.environ.get("SINJALIZO_BENCH_REPORTS", "1000000"))
REQUESTS = 200
WARM_UP = 5
STATS_RUNS = 5
LIST_GOAL_MS = 150.0
STATS_GOAL_MS = 300.0
PASSWORD = "bench password"
DATABASE = "sinjalizo_bench_dashboard"
COORDINATOR, ADMIN = "coordinator@bench.example", "admin@bench.example"
# Rough populations in thousands (censuses of 2023-2024, rounded); the rest count 15.
POPULATION = {
    "Tiranë": 600, "Prishtinë": 230, "Durrës": 155, "Prizren": 150, "Elbasan": 115,
    "Vlorë": 105, "Shkodër": 105, "Ferizaj": 100, "Fier": 95, "Kamëz": 90, "Pejë": 82,
    "Gjilan": 80, "Gjakovë": 78, "Korçë": 75, "Podujevë": 71, "Mitrovicë e Jugut": 65,
    "Lushnje": 65, "Vushtrri": 60, "Lipjan": 53, "Fushë Kosovë": 53, "Malishevë": 52, "Drenas": 50,
    "Rahovec": 50, "Lezhë": 50, "Suharekë": 45, "Skënderaj": 45, "Berat": 45, "Pogradec": 45,
    "Kavajë": 35, "Kukës": 30, "Sarandë": 25,
}
SLOTS = 10_000  # municipality draws are by slot: a municipality's share of 10,000
CATEGORIES = {
    "hazard": ("open_pit", "riverbed", "dump", "ruin", "playground", "traffic", "stray_dogs",
               "school_area", "water", "other"),
    "child_at_risk": ("violence", "sexual_abuse", "neglect", "labour", "street", "trafficking",
                      "disability", "school", "other"),
    "dropout": ("absence", "dropout", "not_enrolled", "at_risk"),
}

# One statement, random numbers drawn once per row in the inner query (random() is volatile,
# so PostgreSQL keeps that subquery as it is). Open statuses grow likelier with youth.
REPORTS_SQL = """
INSERT INTO reports (reference, kind, category, urgent, status, close_reason,
    municipality_id, country, latitude, longitude, place_text, description, details, anonymous,
    callback_consent, channel, language, unrouted, simulated, created_at, updated_at,
    acknowledged_at, resolved_at, confirmations)
SELECT reference, kind, category, urgent, status,
    CASE WHEN status = 'closed' THEN (ARRAY['duplicate', 'not_actionable', 'referred'])
        [1 + floor(r5 * 3)::int] END,
    municipality_id, country, latitude, longitude, 'bench', 'A generated report',
    CASE kind WHEN 'child_at_risk' THEN json_build_object(
                  'sex', (ARRAY['girl', 'boy', 'unknown'])[1 + floor(r2 * 3)::int],
                  'age_band', (ARRAY['0-5', '6-11', '12-14', '15-17', 'unknown'])
                              [1 + floor(r4 * 5)::int])
              WHEN 'dropout' THEN json_build_object(
                  'reason', (ARRAY['work', 'illness', 'migration', 'early_marriage', 'poverty',
                                   'unknown'])[1 + floor(r2 * 6)::int])
              ELSE json_build_object() END, r5 < 0.3,
    r5 > 0.6, channel, language, r6 < 0.003, false, created_at,
    COALESCE(resolved_at, acknowledged_at, created_at), acknowledged_at, resolved_at,
    CASE WHEN kind = 'hazard' AND r6 > 0.9 THEN 1 ELSE 0 END
FROM (
  SELECT *, CASE WHEN status IN ('resolved', 'closed')
                 THEN LEAST(acknowledged_at + r6 * r6 * interval '20 days', now()) END
            AS resolved_at
  FROM (
    SELECT *, CASE WHEN status <> 'routed'
                   THEN LEAST(created_at + r5 * r5 * interval '48 hours', now()) END
              AS acknowledged_at
    FROM (
      SELECT *,
        CASE WHEN r2 < CASE WHEN created_at > now() - interval '2 days' THEN 0.9
                            WHEN created_at > now() - interval '30 days' THEN 0.3
                            ELSE 0.04 END
             THEN CASE WHEN r3 < 0.45 THEN 'routed' WHEN r3 < 0.70 THEN 'acknowledged'
                       ELSE 'in_progress' END
             ELSE CASE WHEN r3 < 0.8 THEN 'resolved' ELSE 'closed' END END AS status,
        r4 < CASE kind WHEN 'child_at_risk' THEN 0.2 WHEN 'hazard' THEN 0.06 ELSE 0.02 END
          AS urgent,
        CASE kind WHEN 'hazard' THEN (CAST(:hazards AS text[]))[1 + floor(r3 * :n_hazards)::int]
                  WHEN 'dropout' THEN (CAST(:dropouts AS text[]))[1 + floor(r3 * :n_dropouts)::int]
                  ELSE (CAST(:children AS text[]))[1 + floor(r3 * :n_children)::int] END
          AS category
      FROM (
        SELECT 'B-' || upper(lpad(to_hex(i), 8, '0')) AS reference,
          CASE WHEN r1 < 0.5 THEN 'hazard' WHEN r1 < 0.8 THEN 'child_at_risk'
               ELSE 'dropout' END AS kind,
          m.id AS municipality_id, m.country, m.seat_lat + (r4 - 0.5) / 20 AS latitude,
          m.seat_lon + (r5 - 0.5) / 20 AS longitude,
          CASE WHEN r6 < 0.4 THEN 'sms' ELSE 'telegram' END AS channel,
          CASE WHEN r6 < 0.05 THEN 'sr' WHEN r6 < 0.08 THEN 'en' ELSE 'sq' END AS language,
          now() - r0 * interval '730 days' AS created_at, r1, r2, r3, r4, r5, r6
        FROM (SELECT i, random() AS r0, random() AS r1, random() AS r2, random() AS r3,
                     random() AS r4, random() AS r5, random() AS r6,
                     (CAST(:slots AS int[]))[1 + floor(random() * :n_slots)::int] AS place
              FROM generate_series(1, :count) AS i) AS draws
        JOIN municipalities AS m ON m.id = draws.place
      ) AS drawn
    ) AS decided
  ) AS acknowledged
) AS finished
"""
ROUTES_SQL = """
INSERT INTO report_routes (report_id, contact_point_id, role, created_at, level, state,
                           escalated_at)
SELECT id, NULL, CASE kind WHEN 'hazard' THEN 'public_services'
                           WHEN 'dropout' THEN 'dropout_team' ELSE 'child_protection' END,
    created_at, CASE WHEN id % 33 = 0 THEN 1 ELSE 0 END,
    CASE WHEN id % 33 = 0 THEN 'escalated'
         WHEN acknowledged_at IS NOT NULL THEN 'acknowledged' ELSE 'alerted' END,
    CASE WHEN id % 33 = 0 THEN created_at + interval '4 hours' END
FROM reports WHERE reference LIKE 'B-%'
"""
EVENTS_SQL = """
INSERT INTO report_events (report_id, at, actor, kind, from_status, to_status, note)
SELECT id, created_at, 'reporter', 'status', NULL, 'received', 'filed by ' || channel
FROM reports WHERE reference LIKE 'B-%'
UNION ALL
SELECT id, created_at, 'system', 'status', 'received', 'routed', 'routed'
FROM reports WHERE reference LIKE 'B-%'
"""
BULK_TABLES = ("reports", "report_routes", "report_events")


def municipality_slots(session: Any) -> list[int]:
    """Return SLOTS municipality ids, each as often as its share of the population."""
    rows = list(session.execute(select(Municipality.id, Municipality.name_sq)))
    weights = {ident: POPULATION.get(name, 15) for ident, name in rows}
    total = sum(weights.values())
    slots = [ident for ident, weight in weights.items()
             for _ in range(round(weight * SLOTS / total))]
    return (slots + slots[: max(0, SLOTS - len(slots))])[:SLOTS]


@contextmanager
def without_indexes(connection: Any) -> Iterator[None]:
    """Drop the bulk tables' secondary indexes for the load, then build them again."""
    found = connection.execute(text(
        "SELECT i.indexname, i.indexdef FROM pg_indexes AS i "
        "WHERE i.tablename = ANY(:tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c "
        "WHERE c.conname = i.indexname)"), {"tables": list(BULK_TABLES)}).all()
    for name, _ in found:
        connection.execute(text(f'DROP INDEX "{name}"'))
    yield
    for _, definition in found:
        connection.execute(text(definition))


def generate(url: str, home: int) -> None:
    """Insert the reports, their routes and events in three statements; then VACUUM ANALYZE."""
    engine = create_engine(url)
    db = Database(url)
    with db.session() as session:
        slots = municipality_slots(session)
    db.dispose()
    began = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        connection.execute(text("SELECT setseed(0.42)"))  # the same data on every run
        with without_indexes(connection):
            connection.execute(text(REPORTS_SQL), {
                "count": REPORTS, "slots": slots, "n_slots": len(slots),
                "hazards": list(CATEGORIES["hazard"]), "n_hazards": len(CATEGORIES["hazard"]),
                "children": list(CATEGORIES["child_at_risk"]),
                "n_children": len(CATEGORIES["child_at_risk"]),
                "dropouts": list(CATEGORIES["dropout"]), "n_dropouts": len(CATEGORIES["dropout"])})
            loaded = time.perf_counter()
            connection.execute(text(ROUTES_SQL))
            connection.execute(text(EVENTS_SQL))
            linked = time.perf_counter()
        indexed = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        sizes = connection.execute(text(
            "SELECT pg_size_pretty(pg_total_relation_size('reports')), "
            "(SELECT count(*) FROM reports WHERE municipality_id = :home), "
            "(SELECT count(*) FROM report_events)"), {"home": home}).one()
    engine.dispose()
    done = time.perf_counter()
    print(f"Generated {REPORTS:,} reports ({sizes[1]:,} in Prishtinë; reports and indexes "
          f"{sizes[0]}), {REPORTS:,} routes and {sizes[2]:,} events in {done - began:.0f} s: "
          f"reports {loaded - began:.0f} s, routes and events {linked - loaded:.0f} s, "
          f"indexes {indexed - linked:.0f} s, VACUUM ANALYZE {done - indexed:.0f} s.\n",
          flush=True)


def roll_up(url: str) -> None:
    """Tally the generated reports into the roll-ups, as the upgrade to them does; time it."""
    from models.tallies import catch_up

    engine = create_engine(url)
    began = time.perf_counter()
    with engine.begin() as connection:
        counted = catch_up(connection)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        rows = connection.execute(text(
            "SELECT (SELECT count(*) FROM report_rollups), (SELECT count(*) FROM "
            "duration_rollups)")).one()
    engine.dispose()
    print(f"Rolled up {counted:,} reports into {rows[0]:,} monthly count rows and {rows[1]:,} "
          f"duration rows in {time.perf_counter() - began:.0f} s (models.tallies.catch_up).\n",
          flush=True)


def prepare(url: str) -> int:
    """Migrate, seed, add the two users and generate the reports; return Prishtinë's id."""
    from models.seed import seed_demo, seed_municipalities

    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        seed_municipalities(session)
        seed_demo(session)
        home = int(session.scalars(select(Municipality.id).where(
            Municipality.name_sq == "Prishtinë")).one())
        save_user(session, ADMIN, PASSWORD, "admin")
        save_user(session, COORDINATOR, PASSWORD, "coordinator", "Prishtinë")
    db.dispose()
    generate(url, home)
    roll_up(url)
    return home


def signed_in(app: Flask, email: str) -> FlaskClient:
    """Return a test client whose session is that user's (as after signing in)."""
    client = app.test_client()
    with get_db(app).session() as session:
        user_id = session.scalars(select(User.id).where(User.email == email)).one()
    with client.session_transaction() as flask_session:
        flask_session["user_id"], flask_session["seen"] = user_id, time.time()
    return client


def timed(client: FlaskClient, path: str, count: int, warm_up: int = WARM_UP) -> list[float]:
    """Return the milliseconds of `count` GETs of `path`, after warm-up requests."""
    for _ in range(warm_up):
        response = client.get(path)
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
    times = []
    for _ in range(count):
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
    return times


def row(name: str, times: list[float], goal: float) -> str:
    """Return one table row: requests, p50, p95 (nearest rank) and the verdict."""
    ordered = sorted(times)
    p95 = ordered[math.ceil(len(ordered) * 0.95) - 1]
    verdict = "ok" if p95 <= goal else "MISSED"
    return (f"| {name:<48} | {len(times):>4} | {statistics.median(times):>8.1f} | "
            f"{p95:>8.1f} | {goal:>6.0f} | {verdict:<7} |")


def older_link(client: FlaskClient, path: str) -> str:
    """Return the "Older reports" link of a list page."""
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'rel="next" href="([^"]+)"', page)
    assert found, f"no link to older reports on {path}"
    return found.group(1).replace("&amp;", "&")


def list_paths(client: FlaskClient, since: date) -> list[tuple[str, str]]:
    """Return the list pages to time: (label, path)."""
    return [("newest 50", "/reports"),
            ("child at risk, routed", "/reports?kind=child_at_risk&status=routed"),
            ("overdue", "/reports?overdue=1"),
            ("Albania only", "/reports?country=AL"),
            (f"urgent since {since.isoformat()}", f"/reports?urgent=yes&from={since}"),
            ("second page (Older reports)", older_link(client, "/reports"))]


def time_lists(clients: dict[str, FlaskClient], since: date, label: str = "") -> None:
    """Print a row per list page and user."""
    for who, client in clients.items():
        for name, path in list_paths(client, since):
            print(row(f"{who}: {name}{label}", timed(client, path, REQUESTS), LIST_GOAL_MS),
                  flush=True)


def time_statistics(app: Flask, clients: dict[str, FlaskClient], start: date,
                    end: date) -> None:
    """Print rows for compute() of a half-year (reports, then roll-ups) and GET /stats."""
    from service.statistics import compute
    from web.scope import statistics_scope

    for label, rollups in (("from the reports (before)", False), ("roll-ups", True)):
        for who, email in (("coordinator", COORDINATOR), ("admin", ADMIN)):
            times = []
            with get_db(app).session() as session:
                user = session.scalars(select(User).where(User.email == email)).one()
                for _ in range(STATS_RUNS):
                    began = time.perf_counter()
                    compute(session, start, end, statistics_scope(user), rollups=rollups)
                    times.append((time.perf_counter() - began) * 1000)
            print(row(f"{who}: compute(), {label}", times, STATS_GOAL_MS), flush=True)
    for who, client in clients.items():
        for name, path in ((f"{start} to {end}", f"/stats?from={start}&to={end}"),
                           ("current half-year", "/stats"),
                           ("Albania only", f"/stats?from={start}&to={end}&country=AL")):
            if who != "admin" and "country" in path:
                continue
            print(row(f"{who}: GET /stats, {name}", timed(client, path, STATS_RUNS * 4, 1),
                      STATS_GOAL_MS), flush=True)


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Collect the statements (and parameters) an engine runs inside the block."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        """Remember one statement."""
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def plan_summary(engine: Engine, statement: str, parameters: Any) -> str:
    """Return EXPLAIN (ANALYZE, BUFFERS) summed up: top node, indexes used, execution time."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        lines = [str(found[0]) for found in cursor.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    nodes = [line.split("  (")[0].replace("->", "").strip() for line in lines
             if line is lines[0] or "->" in line]
    indexes = dict.fromkeys(re.findall(r"(?:using|Index Scan on) (\w+)", "\n".join(lines)))
    buffers = next((line.strip() for line in lines if "Buffers:" in line), "")
    took = next((line.split(":")[1].strip() for line in lines if "Execution Time" in line), "")
    return (f"{' > '.join(nodes[:4])}; indexes: {', '.join(indexes) or 'none'}; {buffers}; "
            f"execution {took}")


def explain_lists(app: Flask, client: FlaskClient, since: date) -> None:
    """Print the plan summary of the coordinator's list query for each list page."""
    engine = get_db(app).engine
    assert engine is not None
    print("\nPlans of the coordinator's list queries (EXPLAIN ANALYZE, BUFFERS):")
    for name, path in list_paths(client, since):
        with captured(engine) as seen:
            client.get(path)
        statement, parameters = next(
            (s, p) for s, p in seen
            if "FROM reports" in s and "ORDER BY reports.created_at DESC" in s)
        print(f"- {name}: {plan_summary(engine, statement, parameters)}", flush=True)


def explain_statistics(app: Flask, start: date, end: date) -> None:
    """Print the plan summary of each query of the admin's six-month statistics."""
    from service.statistics import compute
    from web.scope import statistics_scope

    engine = get_db(app).engine
    assert engine is not None
    print("\nPlans of the admin's six-month statistics queries (EXPLAIN ANALYZE, BUFFERS):")
    with get_db(app).session() as session, captured(engine) as seen:
        admin = session.scalars(select(User).where(User.email == ADMIN)).one()
        compute(session, start, end, statistics_scope(admin))
    for number, (statement, parameters) in enumerate(
            (s, p) for s, p in seen if re.search(r"FROM (reports|\w+_rollups)", s)
            and "users" not in s):
        columns = re.sub(r"\s+", " ", statement.split("FROM")[0])[7:55]
        print(f"- {number + 1} ({columns}…): {plan_summary(engine, statement, parameters)}",
              flush=True)


def measure(url: str) -> None:
    """Time the pages and statistics, print the table, then the plans."""
    from web import create_app
    from web.stats import half_year

    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    clients = {"coordinator": signed_in(app, COORDINATOR), "admin": signed_in(app, ADMIN)}
    since = datetime.now(UTC).date() - timedelta(days=90)
    start, end = half_year(half_year(datetime.now(UTC).date())[0] - timedelta(days=1))
    print(f"| {'who: what (server-side)':<48} | reqs |   p50 ms |   p95 ms | goal   | verdict |")
    print(f"|{'-' * 50}|------|----------|----------|--------|---------|")
    time_lists(clients, since)
    time_statistics(app, clients, start, end)
    explain_lists(app, clients["coordinator"], since)
    explain_statistics(app, start, end)


@contextmanager
def fresh_database(name: str) -> Iterator[str]:
    """Yield the URL of an empty database `name` on SINJALIZO_BENCH_POSTGRES_URL or a
    throwaway cluster, stopped afterwards."""
    from tests.pgcluster import ThrowawayPostgres

    given = os.environ.get("SINJALIZO_BENCH_POSTGRES_URL")
    cluster = None if given else ThrowawayPostgres()
    try:
        server = given or cluster.start()  # type: ignore[union-attr]
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        if cluster is not None:
            cluster.stop()


def main() -> None:
    """Start PostgreSQL, generate the data, measure."""
    with fresh_database(DATABASE) as url:
        began = time.perf_counter()
        prepare(url)
        measure(url)
        print(f"\nThe whole benchmark took {(time.perf_counter() - began) / 60:.1f} minutes.")

if __name__ == "__main__":
    main()
