"""`sinjalizo run` end to end: a real process, a real port, a clean Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.pgcluster import free_port

STARTUP_SECONDS = 60


def _sinjalizo() -> str:
    """Return the `sinjalizo` script installed beside the running interpreter."""
    return str(Path(sys.executable).with_name("sinjalizo"))


def _ctrl_c_stops() -> None:
    """Let Ctrl-C reach the child even when the tests run as a background job, which ignores it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_run(port: int, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start `sinjalizo run` on `port`, its output captured, as a terminal would start it."""
    return subprocess.Popen([_sinjalizo(), "run", "--port", str(port)], cwd=cwd, env=env,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            preexec_fn=_ctrl_c_stops)


def _wait_healthy(url: str, process: subprocess.Popen[str]) -> dict[str, str]:
    """Poll `url` until it answers 200, failing early if the process dies."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"sinjalizo run exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body: dict[str, str] = json.load(response)
                return body
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {STARTUP_SECONDS}s")


def test_run_serves_and_stops_cleanly(tmp_path: Path) -> None:
    """Run migrates and seeds SQLite, serves /healthz, prints the banner, stops on SIGINT."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SINJALIZO_INSTANCE=str(tmp_path / "instance"), PYTHONUNBUFFERED="1")
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("PUBLIC_BASE_URL", None)
    process = _start_run(port, tmp_path, env)
    try:
        health = _wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
        with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/open311/v2/discovery.json", timeout=10) as response:
            discovery = response.read().decode()
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert health == {"status": "ok", "database": "ok"}
    # With no PUBLIC_BASE_URL, the links it gives out lead to this very server.
    assert f"http://127.0.0.1:{port}/open311/v2" in discovery
    assert process.returncode == 0, output
    assert f"http://127.0.0.1:{port}/" in output
    assert f"http://127.0.0.1:{port}/healthz" in output
    assert ".venv/bin/sinjalizo chat --channel sms --from +38344123456" in output
    assert "Sinjalizo stopped." in output
    assert "Dashboard admin: admin@sinjalizo.local, password " in output
    assert "Traceback" not in output
    assert (tmp_path / "instance" / "sinjalizo.sqlite3").exists()


def test_run_polls_telegram_when_a_token_is_set(tmp_path: Path) -> None:
    """With TELEGRAM_BOT_TOKEN set, run answers the bot's updates, then stops cleanly."""
    from tests.fake_telegram import TOKEN, fake_telegram

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    with fake_telegram() as fake:
        env.update(SINJALIZO_INSTANCE=str(tmp_path / "instance"), PYTHONUNBUFFERED="1",
                   TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=fake.base_url)
        process = _start_run(port, tmp_path, env)
        try:
            _wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
            user = {"id": 4242, "is_bot": False, "first_name": "T", "language_code": "sq"}
            fake.queue({"update_id": 1, "message": {
                "message_id": 1, "date": int(time.time()), "from": user, "text": "Tung",
                "chat": {"id": 4242, "type": "private"}}})
            [reply] = fake.wait_sent(1, timeout=30)
            process.send_signal(signal.SIGINT)
            output, _ = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert reply["chat_id"] == "4242" and "raport" in reply["text"].lower()
    assert fake.sent("setMyCommands")
    assert process.returncode == 0, output
    assert "telegram polling" in output and "Traceback" not in output
