"""The app under a real uvicorn on a free loopback port, and an HTTP client for it."""

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable

import httpx
import uvicorn
from fastapi import FastAPI

START_TRIES = 500  # of 10 ms


@contextlib.asynccontextmanager
async def served(
    app: FastAPI,
    *,
    log_level: str = "warning",
    configured: Callable[[], None] | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """Serve ``app`` for the block. ``configured`` runs once uvicorn has set up its loggers
    (as ``redbridge.server`` installs its access-log filter then)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level=log_level, lifespan="off")
    if configured is not None:
        configured()
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(START_TRIES):
            if server.started:
                break
            await asyncio.sleep(0.01)
        assert server.started, "uvicorn did not start"
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        await task
