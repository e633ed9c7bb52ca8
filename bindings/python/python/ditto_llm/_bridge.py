"""Internal: how the Rust core runs coroutines returned by Python callbacks (tool `execute`,
stop conditions, repair hooks, cache stores). See src/host.rs."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any, Awaitable


async def _await(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


def schedule(awaitable: Awaitable[Any], loop: asyncio.AbstractEventLoop) -> "concurrent.futures.Future[Any]":
    """Run `awaitable` on `loop` (from another thread); cancelling the returned future cancels it."""
    return asyncio.run_coroutine_threadsafe(_await(awaitable), loop)


class PrivateLoop:
    """An event loop on a daemon thread, for the coroutines of one sync `Ditto` call."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="ditto-llm-callbacks", daemon=True)
        self._thread.start()
        ready.wait()

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(ready.set)
        try:
            self.loop.run_forever()
        finally:
            tasks = asyncio.all_tasks(self.loop)
            for task in tasks:
                task.cancel()
            if tasks:
                self.loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            self.loop.close()

    def close(self) -> None:
        """Stop the loop (pending coroutines are cancelled); returns without waiting."""
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.loop.stop)
