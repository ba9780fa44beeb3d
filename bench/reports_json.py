"""`sinjalizo reports --json` over 1,000,000 reports: rows per second and peak memory.

PostgreSQL only (a throwaway cluster, or SINJALIZO_BENCH_POSTGRES_URL). The reports, their
routes and events are generated as bench/dashboard.py generates them. The command runs as an
operator runs it, a process of its own whose output is read through a pipe; its peak resident
memory (the kernel's ru_maxrss) is compared with the same command listing one report, which is
the memory of the program itself. Set SINJALIZO_BENCH_REPORTS to generate fewer reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

# The project root replaces the script's folder on the path, where bench/telegram.py would
# shadow the `telegram` package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

from sqlalchemy import select  # noqa: E402

from bench.dashboard import REPORTS, fresh_database, generate  # noqa: E402
from models import Municipality  # noqa: E402
from models.db import Database  # noqa: E402
from models.migrate import upgrade  # noqa: E402

DATABASE = "sinjalizo_bench_reports_json"
CHUNK = 1 << 20


def prepare(url: str) -> None:
    """Migrate, seed the municipalities and demo contact points, generate the reports."""
    from models.seed import seed_demo, seed_municipalities

    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        seed_municipalities(session)
        seed_demo(session)
        home = int(session.scalars(select(Municipality.id).where(
            Municipality.name_sq == "Prishtinë")).one())
    db.dispose()
    generate(url, home)


def run_listing(url: str, *options: str) -> tuple[int, float, float, str]:
    """Run `sinjalizo reports --json` reading its output; return lines, seconds, MB, last line."""
    command = [str(Path(sys.executable).with_name("sinjalizo")), "--database-url", url,
               "reports", "--json", *options]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None
    lines, tail = 0, b""
    while chunk := process.stdout.read(CHUNK):
        lines += chunk.count(b"\n")
        tail = (tail + chunk)[-4096:]
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - began
    if process.returncode:
        raise RuntimeError(f"sinjalizo reports exited with {process.returncode}")
    last = tail.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode()
    return lines, seconds, usage.ru_maxrss / 1024, last  # ru_maxrss is in KiB on Linux


def measure(url: str) -> None:
    """List one report, then every report; print rows per second and peak memory of each."""
    one, one_seconds, one_mb, _ = run_listing(url, "--limit", "1")
    lines, seconds, peak_mb, last = run_listing(url)
    assert lines == REPORTS, f"listed {lines:,} of {REPORTS:,} reports"
    oldest = json.loads(last)
    print("| `reports --json` | rows | seconds | rows/s after start-up | peak RSS MB |")
    print("|---|---|---|---|---|")
    print(f"| --limit 1 | {one:,} | {one_seconds:.1f} | - | {one_mb:.0f} |")
    print(f"| every report | {lines:,} | {seconds:.1f} | "
          f"{lines / max(seconds - one_seconds, 1e-3):,.0f} | {peak_mb:.0f} |")
    print(f"\nListing every report took {peak_mb - one_mb:.0f} MB more than listing one "
          f"(the last line is the oldest report, {oldest['reference']}, of "
          f"{oldest['created_at'][:10]}).")


def main() -> None:
    """Start PostgreSQL, generate the reports, measure."""
    with fresh_database(DATABASE) as url:
        prepare(url)
        measure(url)


if __name__ == "__main__":
    main()
