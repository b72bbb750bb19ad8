"""SQL statements our server sends per operation, counted in-process on the real app."""

import asyncio
from collections.abc import Sequence

import httpx


async def _count(database_url: str, samples: Sequence[tuple[str, bytes]]) -> dict[str, int]:
    from asgi_lifespan import LifespanManager

    from db.engine import StatementCounter, create_engine
    from graph.app import create_app

    engine = create_engine(database_url)
    counter = StatementCounter(engine)
    counts: dict[str, int] = {}
    try:
        async with LifespanManager(create_app(engine=engine)) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for label, body in samples:
                    counter.reset()
                    response = await client.post(
                        "/graphql", content=body, headers={"content-type": "application/json"}
                    )
                    response.raise_for_status()
                    counts[label] = counter.count
    finally:
        counter.close()
        await engine.dispose()
    return counts


def count_statements(database_url: str, samples: Sequence[tuple[str, bytes]]) -> dict[str, int]:
    """{label: statements} for each (label, body) sample, BEGIN/ROLLBACK not included.

    Only statements sent through SQLAlchemy count: not the rate-budget spend (its own asyncpg
    pool; the in-process app has no budget anyway) nor a compiled read path's asyncpg calls.
    """
    return asyncio.run(_count(database_url, samples))
