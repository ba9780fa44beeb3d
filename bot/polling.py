"""Telegram long polling as a background service of `sinjalizo run`, in a thread of its own.

`sinjalizo bot` uses PTB's `run_polling`, which wants the main thread (for signals); inside
`run` the web server has that, so here the Application runs on its own event loop in a
thread, started and stopped as the worker is. A token Telegram refuses is logged and the
rest of `run` goes on: the web app and the worker do not depend on the bot.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from bot.app import build_application
from service.conversation import Conversations
from sinjalizo.settings import Settings

log = logging.getLogger(__name__)
START_SECONDS = 30.0
STOP_SECONDS = 15.0
ALLOWED_UPDATES = ["message", "callback_query"]


class Polling:
    """Polls Telegram for updates and answers them, until stopped."""

    name = "telegram polling"

    def __init__(self, settings: Settings, conversations: Conversations) -> None:
        self.settings = settings
        self.conversations = conversations
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()

    def start(self) -> None:
        """Start polling in a thread; return once it polls (or failed to start)."""
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        self._ready.wait(START_SECONDS)

    def stop(self) -> None:
        """Ask the loop to stop polling and wait for the update in hand to finish."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(STOP_SECONDS)

    def _run(self) -> None:
        """Run the polling loop to its end, logging why it could not start if so."""
        try:
            asyncio.run(self._main())
        except Exception:
            log.exception("Telegram polling stopped with an error")
        finally:
            self._ready.set()

    async def _main(self) -> None:
        """Start the Application and its updater, wait for the stop signal, stop both."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        application = build_application(self.settings, self.conversations)
        async with application:
            if application.post_init is not None:
                await application.post_init(application)  # as run_polling() does
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            self._ready.set()
            try:
                await self._stop.wait()
            finally:
                await application.updater.stop()
                await application.stop()
