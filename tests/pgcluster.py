"""A throwaway PostgreSQL cluster started from the machine's own binaries, for tests."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_bindir() -> Path:
    """Locate the PostgreSQL server binaries (Debian keeps them off the PATH)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for bindir in candidates:
        if Path(bindir, "initdb").exists() and Path(bindir, "postgres").exists():
            return Path(bindir)
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)
        return Path(out.stdout.strip())
    raise RuntimeError("PostgreSQL server binaries not found; install Debian's postgresql")


def free_port() -> int:
    """Ask the kernel for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThrowawayPostgres:
    """initdb + pg_ctl start in a temporary folder; stop() removes everything."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="sinjalizo-pg-"))
        self.datadir = self.root / "data"
        self.port = free_port()
        # PostgreSQL refuses to run as root, so root hands the cluster to the postgres user.
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        """Run a server binary, as the postgres OS user when we are root."""
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def start(self) -> str:
        """Create and start the cluster; return a SQLAlchemy URL to its postgres database."""
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        self.resume()
        return self.url("postgres")

    def resume(self) -> None:
        """Start the server of the created cluster (again), waiting until it accepts."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 " \
                  "-c fsync=off -c synchronous_commit=off -c full_page_writes=off " \
                  "-c max_connections=200"
        self._run("pg_ctl", "-D", str(self.datadir), "-o", options, "-l",
                  str(self.root / "log"), "-w", "start")

    def halt(self) -> None:
        """Stop the server as an operator would (fast: sessions cut), keeping its files."""
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "stop")

    def url(self, database: str) -> str:
        """Return the URL of one database in this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        finally:
            time.sleep(0.1)
            shutil.rmtree(self.root, ignore_errors=True)
