"""Conversation steps per second through the engine, with the session loaded and saved.

Every database holds both countries' villages and Kosovo's boundaries (`data/geo/`), as every
install does since they load on the first start. Prints one row per backend: SQLite (a file,
as `make run` uses) and PostgreSQL (a throwaway cluster, or SINJALIZO_BENCH_POSTGRES_URL),
plus the engine alone without a database, and typed places matched alone (a row per place).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.engine import advance  # noqa: E402
from handlers.flow import State  # noqa: E402
from handlers.types import Inbound  # noqa: E402
from locales import Catalogs  # noqa: E402
from models.db import Database  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from service.conversation import Conversations  # noqa: E402
from service.places import PlaceIndex  # noqa: E402

# One hazard report and one child-at-risk report by SMS, answered with the options' numbers
# (the same answers the benchmark has always sent, so that its rows compare across versions).
HAZARD = ["hello", "1", "1", "Drenas", "Gropë e hapur pranë shkollës", "po"]
CHILD = ["menu", "2", "jo", "3", "Prishtinë", "2", "1", "Fëmijë lyp çdo ditë te tregu", "1", "po"]
# The same two reports as people type them: words, sentences, the age as a number.
HUMAN = ["tung", "dua te raportoj nje grope", "pusetë pa kapak", "Drenas",
         "Gropë e hapur pranë shkollës", "po, dergoje", "menu", "fëmijë", "jo",
         "e lënë vetëm gjithë ditën", "Prishtinë", "10 vjeç", "vajzë",
         "Fëmijë lyp çdo ditë te tregu", "mos me kontaktoni", "dërgo"]
CONVERSATIONS = 150
# Places as people type them: names, villages, a divided town, typos, a street with its village.
PLACES = ["Drenas", "gllogoc", "Prishtinë", "Arllat", "Kashar", "Morinë", "mitrovice",
          "Prishtna", "Gjilani", "fshati Komoran", "Novo Selo, Prishtinë", "Tirana", "Shkodra",
          "Rruga Adem Jashari nr 5, prane xhamise, Komoran", "te shkolla ne Arllat"] * 20
ROUNDS = 3  # each row is the median round, so one noisy moment does not decide it


def script() -> list[str]:
    """Return the messages one person sends in the benchmark."""
    return HAZARD + CHILD


def measure(step: Callable[[int, str, datetime], None], people: int = CONVERSATIONS,
            messages: Callable[[], list[str]] = script) -> tuple[int, float, list[float]]:
    """Run rounds of every person's script through `step`; return the median round."""
    rounds = []
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for number in range(ROUNDS):
        latencies: list[float] = []
        start = time.perf_counter()
        for person in range(number * people, (number + 1) * people):
            for text in messages():
                at += timedelta(seconds=1)
                began = time.perf_counter()
                step(person, text, at)
                latencies.append(time.perf_counter() - began)
        rounds.append((len(latencies), time.perf_counter() - start, latencies))
    return sorted(rounds, key=lambda r: r[1])[len(rounds) // 2]


def settle(url: str) -> None:
    """Vacuum and analyse after seeding, as a running database long has been.

    Otherwise PostgreSQL's autovacuum of the freshly loaded place data runs during the
    rounds and takes a core of the two, and the rows measure that rather than the turns.
    """
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql"
                                else "ANALYZE"))
    engine.dispose()


def through_database(url: str, catalogs: Catalogs) -> tuple[int, float, list[float]]:
    """Measure full turns: lock and load the session, advance, file, save, commit."""
    from models.seed import seed_demo, seed_municipalities
    from models.seed.geo import seed_places

    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        seed_municipalities(session)
        seed_places(session)  # both countries' villages, as every install now has them
        seed_demo(session)
    settle(url)
    service = Conversations(db, catalogs, PlaceIndex())

    def step(person: int, text: str, at: datetime) -> None:
        service.handle(Inbound("sms", f"+383441{person:05d}", at, text))

    try:
        return measure(step)
    finally:
        db.dispose()


def place_matching(url: str) -> tuple[int, float, list[float]]:
    """Measure typed places alone against both gazetteers, on a database of their own."""
    from models.seed import seed_municipalities
    from models.seed.geo import seed_places

    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        seed_municipalities(session)
        seed_places(session)
    index = PlaceIndex()
    with db.session() as session:
        index.match_place(session, "Drenas", "sq")  # build the index outside the rounds

        def step(person: int, text: str, at: datetime) -> None:
            index.match_place(session, PLACES[person % len(PLACES)], "sq")

        try:
            return measure(step, len(PLACES), lambda: [""])
        finally:
            db.dispose()


def engine_alone(catalogs: Catalogs,
                 messages: list[str] | None = None) -> tuple[int, float, list[float]]:
    """Measure the pure engine with an in-memory world, as the floor under the others."""
    from tests.static_world import StaticWorld

    world = StaticWorld()
    states: dict[int, State] = {}

    def step(person: int, text: str, at: datetime) -> None:
        inbound = Inbound("sms", f"+383441{person:05d}", at, text)
        states[person] = advance(states.get(person, State()), inbound, world, catalogs).state

    return measure(step, messages=lambda: messages or script())


def row(name: str, result: tuple[int, float, list[float]]) -> str:
    """Format one result line of the table."""
    count, seconds, latencies = result
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    return f"| {name:<22} | {count:>8} | {seconds:>7.2f} | {count / seconds:>9.0f} | " \
           f"{p50:>6.2f} | {p99:>6.2f} |"


def main() -> None:
    """Run the benchmark on each backend and print the table."""
    import os

    from tests.pgcluster import ThrowawayPostgres

    catalogs = Catalogs.load()
    print("| backend                | messages | seconds |  steps/s | p50 ms | p99 ms |")
    print("|------------------------|----------|---------|----------|--------|--------|")
    print(row("engine only (no DB)", engine_alone(catalogs)), flush=True)
    print(row("engine, typed answers", engine_alone(catalogs, HUMAN)), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        print(row("SQLite (file, WAL)", through_database(url, catalogs)), flush=True)
        places = f"sqlite:///{folder}/places.sqlite3"
        print(row("place matching (SQLite)", place_matching(places)), flush=True)
    given = os.environ.get("SINJALIZO_BENCH_POSTGRES_URL")
    cluster = None if given else ThrowawayPostgres()
    try:
        url = given or cluster.start()  # type: ignore[union-attr]
        print(row("PostgreSQL (loopback)", through_database(url, catalogs)), flush=True)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
