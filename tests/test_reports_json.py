"""`sinjalizo reports`: every report listed, one JSON object a line, streamed in flat memory."""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from click.testing import CliRunner
from sqlalchemy import event, insert, select

from models import ContactPoint, Municipality, Report, ReportRoute
from models.db import Database
from sinjalizo.cli import main
from sinjalizo.cli.reports import BATCH, report_records

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
CONTRACT = {"reference", "kind", "category", "municipality", "status", "urgent", "routed_to",
            "place_text", "location"}


def add_reports(db: Database, count: int, country: str = "XK",
                start: datetime = START) -> list[str]:
    """Store `count` routed reports a minute apart; return their references, oldest first."""
    name = "Drenas" if country == "XK" else "Berat"
    with db.transaction() as session:
        municipality = session.scalars(select(Municipality).where(
            Municipality.name_sq == name)).one()
        point = ContactPoint(name=f"Qendra për Punë Sociale {name}", role="child_protection",
                             municipality=municipality, language="sq", escalation_order=1)
        session.add(point)
        session.flush()
        prefix = f"T{country[0]}-"
        references = [f"{prefix}{number:07d}" for number in range(count)]
        session.execute(insert(Report), [{
            "reference": reference, "kind": "child_at_risk", "category": "neglect",
            "urgent": number % 7 == 0, "status": "routed", "municipality_id": municipality.id,
            "country": country, "place_text": f"Rruga {number}", "location": "municipality",
            "channel": "sms", "created_at": start + timedelta(minutes=number),
        } for number, reference in enumerate(references)])
        ids = session.scalars(select(Report.id).where(Report.reference.startswith(prefix)))
        session.execute(insert(ReportRoute), [{
            "report_id": report_id, "contact_point_id": point.id, "role": "child_protection",
        } for report_id in ids])
    return references


def listed(database_url: str, *options: str) -> list[str]:
    """Run `sinjalizo reports` with these options; return its lines."""
    result = CliRunner().invoke(main, ["--database-url", database_url, "reports", *options])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_every_report_is_listed_one_json_object_a_line(db: Database, database_url: str) -> None:
    """Without --limit every report is listed, newest first, each line a whole report."""
    references = add_reports(db, 75)
    records = [json.loads(line) for line in listed(database_url, "--json")]
    assert [r["reference"] for r in records] == references[::-1]
    for record in records:
        assert CONTRACT <= record.keys()
        assert record["municipality"] == "Drenas" and record["location"] == "municipality"
        assert record["routed_to"] == [{"name": "Qendra për Punë Sociale Drenas",
                                        "role": "child_protection"}]
    assert records[-1]["place_text"] == "Rruga 0" and records[-1]["urgent"] is True
    assert len(listed(database_url)) == 75, "the table lists every report too"


def test_limit_and_country_still_narrow_the_list(db: Database, database_url: str) -> None:
    """--limit keeps the newest N; --country keeps one country's; together, both."""
    kosovo, albania = add_reports(db, 60), add_reports(db, 5, "AL", START + timedelta(days=1))
    newest = [json.loads(line)["reference"] for line in listed(database_url, "--json",
                                                                "--limit", "7")]
    assert newest == albania[::-1] + kosovo[-2:][::-1]
    assert len(listed(database_url, "--json", "--country", "xk")) == 60
    only = listed(database_url, "--json", "--country", "AL", "--limit", "2")
    assert [json.loads(line)["reference"] for line in only] == albania[-2:][::-1]
    assert len(listed(database_url, "--limit", "3")) == 3
    refused = CliRunner().invoke(main, ["--database-url", database_url, "reports", "--limit", "0"])
    assert refused.exit_code == 2


def test_an_empty_list_says_so_in_the_table_and_nothing_in_json(database_url: str,
                                                                db: Database) -> None:
    """No reports: the table says so; JSON lines are none at all."""
    del db
    assert listed(database_url) == ["No reports yet."]
    assert listed(database_url, "--json") == []


def test_the_listing_streams_in_flat_memory(db: Database) -> None:
    """20,000 reports are read in batches from a server-side cursor, in little memory."""
    count = 20 * BATCH
    add_reports(db, count)
    cursors: list[Any] = []

    def seen(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        """Keep the cursor the reports query ran on."""
        if "FROM reports" in statement:
            cursors.append(cursor)

    assert db.engine is not None
    event.listen(db.engine, "before_cursor_execute", seen)
    tracemalloc.start()
    try:
        with db.session() as session:
            listed = sum(1 for _ in report_records(session))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        event.remove(db.engine, "before_cursor_execute", seen)
    assert listed == count
    # Holding 20,000 reports at once takes about 31 MB; a batch at a time, under 3.
    assert peak < 8_000_000, f"peak {peak / 1e6:.1f} MB"
    if not db.is_sqlite:
        assert isinstance(cursors[0], psycopg.ServerCursor), "rows come from a server cursor"
