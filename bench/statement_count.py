"""gunicorn settings for bench/load.py: every response says how many SQL statements it ran.

Loaded with `gunicorn -c bench/statement_count.py` by the benchmark only, so the application
itself carries no counter: each worker counts its engines' statements with a SQLAlchemy
`before_cursor_execute` listener and puts the request's count in a response header. It works
on any checkout of the application, so a baseline commit is measured the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

HEADER = "X-Bench-Statements"
_COUNT = threading.local()

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _counted(*_args: Any) -> None:
    """Count one statement sent to the database."""
    _COUNT.value = getattr(_COUNT, "value", 0) + 1


def counting(app: Wsgi) -> Wsgi:
    """Wrap a WSGI app so that each response carries the number of statements it ran."""

    def counted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Run the request with the counter at zero, then report the count in a header."""
        _COUNT.value = 0

        def start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            """Add the header with the statements run so far (the view has run by now)."""
            return start_response(status, [*headers, (HEADER, str(_COUNT.value))], *rest)

        return app(environ, start)

    return counted


def post_worker_init(worker: Any) -> None:
    """gunicorn hook: count every engine's statements and wrap the worker's application."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "before_cursor_execute", _counted)
    worker.wsgi = counting(worker.wsgi)
