"""Serve an app with uvicorn in the test's own event loop (so it shares the test's database
transaction), for clients that need a real socket (WebSockets)."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from tests.support.server import free_port


@asynccontextmanager
async def served(app: ASGIApp, **options: Any) -> AsyncIterator[str]:
    """`host:port` of uvicorn serving `app` (lifespan already run by the caller); `options`
    go to uvicorn.Config (proxy settings, say)."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        ws="websockets-sansio",
        log_config=None,
        **options,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving
