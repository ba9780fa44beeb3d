"""Load benchmark: signed inbound SMS at a fixed arrival rate, gunicorn with 2 workers.

Open loop: request i leaves at start + i / rate whatever the server does, so a slow server
builds a queue instead of slowing the client (latency counts from the planned departure).
The mix is 80 % teachers' one-line dropout flags (the demo seed's teachers in turn, each line
a new pupil, so every one files a report) and 20 % first messages of new citizens, each
signed as Twilio signs. Default: 200 requests/s for 60 s, on SQLite (a file) and PostgreSQL
(a throwaway cluster, or SINJALIZO_BENCH_POSTGRES_URL).

Printed per backend: requests/s held (answered / from first departure to last answer),
errors, p50/p99 latency, server CPU per request (gunicorn's processes from /proc, plus the
PostgreSQL cluster's processes when it is ours), SQL statements per request (counted in the
workers by bench/statement_count.py, reported in a response header) and whether the reports
stored equal the references answered. `--root DIR` serves another checkout (a baseline
commit) with the same client, seed and counters. Goal: 200 requests/s held with
p99 <= 1 s and <= 8 ms of server CPU per request.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # bench/telegram.py would shadow the telegram package

from sqlalchemy import create_engine, text  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from bench.sms import TOKEN, postgres_database  # noqa: E402
from bench.statement_count import HEADER  # noqa: E402
from handlers.dropout_line import read_line  # noqa: E402
from tests.test_sms_gunicorn import Gunicorn  # noqa: E402

PATH = "/sms/inbound"
REFERENCE = re.compile(rb"R-[0-9A-Z]{6}")
TEACHER_SHARE = 0.8
STATUSES = ("BRAKTISJE", "MUNGESE", "RREZIK")
GREETINGS = ("Tung", "Përshëndetje", "Mirëdita", "Pershendetje, dua te raportoj")
WARM_UP = 60  # requests before the measured window: both workers load their caches
TIMEOUT = 60.0
TICK = os.sysconf("SC_CLK_TCK")
# Seeds the served checkout's own database code (its migrations, its demo set).
SEED = ("import sys; from bench.sms import seed; seed(sys.argv[1]); "
        "from sqlalchemy import create_engine, text; "
        "e = create_engine(sys.argv[1]); c = e.connect(); "
        "print(' '.join(r[0] for r in c.execute(text("
        "'SELECT phone FROM teachers WHERE active ORDER BY id'))))")


@dataclass(frozen=True)
class Planned:
    """One request to send: teacher line or first message, and its bytes on the wire."""

    kind: str
    wire: bytes


@dataclass
class Answer:
    """What came back for one request."""

    kind: str
    status: int
    latency: float
    statements: int
    references: list[bytes] = field(default_factory=list)


def pupil_lines() -> Iterator[str]:
    """Yield one-line flags a teacher would send, each naming a pupil not named before."""
    letters = "ABCDEFGHJKLMNPRSTVZ"
    for first in letters:
        for second in letters:
            for grade in range(1, 10):
                for section in "ABCD":
                    line = (f"{STATUSES[(grade + ord(section)) % 3]} {grade}{section} "
                            f"{first}{second} {1 + (grade * 7 + ord(second)) % 30}")
                    flag = read_line(line)
                    if flag is not None and flag.clear and "days" in flag.answers:
                        yield line


def plan(base: str, teachers: list[str], count: int, round_tag: str) -> list[Planned]:
    """Return `count` signed requests in the 80/20 mix, in a shuffled but fixed order."""
    validator = RequestValidator(TOKEN)
    lines = {phone: pupil_lines() for phone in teachers}
    order = random.Random(f"load-{round_tag}")
    planned = []
    for number in range(count):
        if order.random() < TEACHER_SHARE:
            phone = teachers[number % len(teachers)]
            kind, body = "teacher", next(lines[phone])
        else:
            phone = f"+38344{round_tag}{number:05d}"
            kind, body = "first", GREETINGS[number % len(GREETINGS)]
        form = {"MessageSid": f"SM{round_tag}{number:030d}", "AccountSid": "AC" + "0" * 32,
                "From": phone, "To": "+38349000000", "Body": body, "NumMedia": "0"}
        planned.append(Planned(kind, wire(base, form, validator)))
    return planned


def wire(base: str, form: dict[str, str], validator: RequestValidator) -> bytes:
    """Return the raw HTTP request posting the form, signed for the public URL."""
    body = urlencode(form).encode()
    host = base.split("//", 1)[1]
    head = (f"POST {PATH} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Twilio-Signature: {validator.compute_signature(base + PATH, form)}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def send(port: int, request: Planned, due: float) -> Answer:
    """Send one request at its planned time; latency counts from that time."""
    await asyncio.sleep(max(0.0, due - time.perf_counter()))
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request.wire)
        raw = await asyncio.wait_for(reader.read(-1), TIMEOUT)
        writer.close()
    except (OSError, TimeoutError):
        return Answer(request.kind, 0, time.perf_counter() - due, 0)
    took = time.perf_counter() - due
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    found = re.search(rb"(?im)^" + HEADER.encode() + rb":\s*(\d+)", head)
    return Answer(request.kind, status, took, int(found.group(1)) if found else 0,
                  REFERENCE.findall(body))


async def fire(port: int, requests: list[Planned], rate: float) -> tuple[list[Answer], float]:
    """Send every request open-loop at `rate` per second; return answers and the span."""
    start = time.perf_counter() + 0.2
    tasks = [asyncio.create_task(send(port, request, start + index / rate))
             for index, request in enumerate(requests)]
    answers = await asyncio.gather(*tasks)
    return list(answers), time.perf_counter() - start


def cpu_seconds(root_pid: int) -> float:
    """Return the CPU time of a process and its live descendants, and of its reaped children."""
    parents: dict[int, int] = {}
    times: dict[int, tuple[int, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        own, reaped = int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])
        times[pid] = (own, reaped)
    total = times.get(root_pid, (0, 0))[1]
    for pid in times:
        ancestor = pid
        while ancestor not in (0, 1, root_pid):
            ancestor = parents.get(ancestor, 0)
        if ancestor == root_pid:
            total += times[pid][0]
    return total / TICK


def postmaster_pid(datadir: Path | None) -> int | None:
    """Return the PID of our throwaway cluster's postmaster (None: a server not ours)."""
    if datadir is None:
        return None
    return int((datadir / "postmaster.pid").read_text().split()[0])


def seed(url: str, root: Path) -> list[str]:
    """Migrate and seed the database with the served checkout's code; return teacher phones."""
    done = subprocess.run([sys.executable, "-c", SEED, url], cwd=root, check=True,
                          capture_output=True, text=True)
    return done.stdout.split()


def stored_reports(url: str) -> int:
    """Return how many reports the database holds."""
    engine = create_engine(url)
    with engine.connect() as connection:
        count = int(connection.execute(text("SELECT count(*) FROM reports")).scalar_one())
    engine.dispose()
    return count


def measure(name: str, url: str, folder: str, options: argparse.Namespace,
            datadir: Path | None) -> str:
    """Run the load against one backend; return its table row."""
    root = Path(options.root).resolve()
    teachers = seed(url, root)
    server = Gunicorn({"DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN,
                       "SINJALIZO_INSTANCE": folder}, workers=options.workers, root=root,
                      options=("-c", str(ROOT / "bench" / "statement_count.py"),
                               "--backlog", "4096")).start()
    try:
        assert server.process is not None
        count = int(options.rate * options.seconds)
        warm = plan(server.base, teachers, WARM_UP, "1")
        main = plan(server.base, teachers, count, "2")
        warmed, _ = asyncio.run(fire(server.port, warm, 20))
        database = postmaster_pid(datadir)
        before = (cpu_seconds(server.process.pid),
                  cpu_seconds(database) if database else 0.0)
        answers, span = asyncio.run(fire(server.port, main, options.rate))
        after = (cpu_seconds(server.process.pid),
                 cpu_seconds(database) if database else 0.0)
    finally:
        server.stop()
    references = {ref for answer in (*warmed, *answers) for ref in answer.references}
    return row(name, root, answers, span, (after[0] - before[0], after[1] - before[1]),
               database is not None, len(references) == stored_reports(url))


def row(name: str, root: Path, answers: list[Answer], span: float,
        cpu: tuple[float, float], database_cpu: bool, matched: bool) -> str:
    """Return one table row for a backend's run."""
    good = [a for a in answers if a.status == 200]
    latencies = sorted(a.latency for a in good) or [0.0]
    web, db = (seconds * 1000 / max(1, len(good)) for seconds in cpu)

    def per(kind: str) -> float:
        """Return the mean statements per answered request of one kind."""
        chosen = [a.statements for a in good if a.kind == kind]
        return sum(chosen) / max(1, len(chosen))

    statements = sum(a.statements for a in good) / max(1, len(good))
    db_text = f"{db:4.1f}" if database_cpu else " n/a"
    code = commit_of(root)
    return (f"| {name:<10} | {code:<8} | {len(answers):>5} | {len(good) / span:>6.1f} | "
            f"{len(answers) - len(good):>4} | {percentile(latencies, 0.5):>7.0f} | "
            f"{percentile(latencies, 0.99):>7.0f} | {web + (db if database_cpu else 0):>5.1f} "
            f"({web:4.1f} + {db_text}) | {statements:>5.1f} ({per('teacher'):4.1f} / "
            f"{per('first'):4.1f}) | {'yes' if matched else 'NO':<4} |")


def percentile(ordered: list[float], share: float) -> float:
    """Return a percentile of sorted latencies in milliseconds."""
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def commit_of(root: Path) -> str:
    """Return the short commit of the served checkout (with + when it has changes)."""
    def git(*args: str) -> str:
        """Run git in the checkout and return its output."""
        return subprocess.run(["git", *args], cwd=root, capture_output=True,
                              text=True).stdout.strip()

    return git("rev-parse", "--short", "HEAD")[:7] + ("+" if git("status", "--porcelain",
                                                                  "--untracked-files=no")
                                                       else "")


@contextmanager
def postgres() -> Iterator[tuple[str, Path | None]]:
    """Yield a PostgreSQL server URL and, when the cluster is ours, its data folder."""
    from tests.pgcluster import ThrowawayPostgres

    given = os.environ.get("SINJALIZO_BENCH_POSTGRES_URL")
    if given:
        yield given, None
        return
    cluster = ThrowawayPostgres()
    try:
        yield cluster.start(), cluster.datadir
    finally:
        cluster.stop()


def arguments() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--root", default=str(ROOT), help="the checkout to serve")
    return parser.parse_args()


def main() -> None:
    """Print the load table for the chosen backends."""
    options = arguments()
    print(f"{options.rate:.0f} requests/s for {options.seconds:.0f} s, "
          f"{options.workers} gunicorn workers, 80 % teacher lines, 20 % first messages")
    print("| backend    | code     |  sent |  req/s | errs | p50 ms  | p99 ms  | "
          "CPU ms/req (web + db) | SQL/req (teacher / first) | refs |")
    print("|------------|----------|-------|--------|------|---------|---------|"
          "-----------------------|---------------------------|------|")
    with tempfile.TemporaryDirectory() as folder:
        if options.backend in ("both", "sqlite"):
            print(measure("SQLite", f"sqlite:///{folder}/load.sqlite3", folder, options, None),
                  flush=True)
        if options.backend in ("both", "postgresql"):
            with postgres() as (server_url, datadir):
                print(measure("PostgreSQL", postgres_database(server_url), folder, options,
                              datadir), flush=True)


if __name__ == "__main__":
    main()
