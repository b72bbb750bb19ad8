"""Golden answers: every read document of the equality suite, for every viewer, over the seed.

Each viewer's answers live in tests/compiler/golden/<viewer>.json, recorded once from
strawberry's resolvers (before the compiled path became the only read path) over a seed made
deterministic (factory counter, id sequences and the transaction's clock fixed). Every run
compares against them the app's whole response (data and errors: message, locations, path,
extensions.code; key order included) and the access-log rows it writes, then the compiled
statement alone wherever it answers the document whole.

Re-record (after a deliberate change of answers, reviewed with `git diff`):

    BRAINGAIN_RECORD_GOLDEN=1 python -m pytest tests/compiler/test_golden.py

Recording writes the files and still fails nothing; the run after it must pass unchanged.
"""

import itertools
import json
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from graph.auth.viewer import Viewer
from tests import factories
from tests.compiler import test_equality
from tests.compiler.conftest import BothPaths, World, build_world
from tests.compiler.test_viewers import CLIENTS, VIEWERS, client, forum_viewer, viewer

GOLDEN = Path(__file__).parent / "golden"
RECORD = os.environ.get("BRAINGAIN_RECORD_GOLDEN") == "1"
SEED_CLOCK = datetime(2026, 1, 1, tzinfo=UTC)
"""What `now()` reads as for every row the seed stamps with the transaction's clock."""
FIRST_ID = 1_000_000
"""Where every id sequence restarts for the seed (rolled back with the test)."""

FORUM_VIEWERS = ("gulf-member", "gulf-moderator", "uk-moderator")

Run = Callable[[str, dict[str, Any] | None], Awaitable[Any]]
"""Runs one case, checks or records it, and returns strawberry's data."""


async def _fix_sequences(session: AsyncSession) -> None:
    """Restart every id sequence at FIRST_ID, so the seed's ids do not depend on earlier tests."""
    names = await session.scalars(
        text(
            "SELECT sequence_name FROM information_schema.sequences"
            " WHERE sequence_schema = 'public'"
        )
    )
    for name in list(names):
        await session.execute(text(f'ALTER SEQUENCE "{name}" RESTART WITH {FIRST_ID}'))


async def _fix_clock(session: AsyncSession) -> None:
    """Every timestamp the seed took from the transaction's clock reads SEED_CLOCK instead."""
    columns = await session.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND data_type = 'timestamp with time zone'"
        )
    )
    for table, column in list(columns):
        await session.execute(
            text(f'UPDATE "{table}" SET "{column}" = :clock WHERE "{column}" = now()'),
            {"clock": SEED_CLOCK},
        )


@pytest.fixture
async def seed(session: AsyncSession, monkeypatch: pytest.MonkeyPatch) -> World:
    """The equality suite's world, deterministic: same ids, numbers and clock on every run."""
    monkeypatch.setattr(factories, "_sequence", itertools.count(1))
    await _fix_sequences(session)
    found = await build_world(session)
    await session.flush()
    await _fix_clock(session)
    return found


def _who(name: str, world: World) -> Viewer:
    if name in CLIENTS:
        return client(name, world)
    return forum_viewer(name, world) if name in FORUM_VIEWERS else viewer(name, world)


async def _walk(run: Run, document: str, path: list[str], fixed: dict[str, Any]) -> None:
    """Page a connection forward to its end, then back from its end with cursors."""
    after = None
    for _ in range(20):
        page = await run(document, {**fixed, "first": 1, "after": after})
        info = _dig(page, path)
        if info is None or not info["hasNextPage"]:
            break
        after = info["endCursor"]
    last = await run(document, {**fixed, "last": 1})
    info = _dig(last, path)
    if info is not None and info["startCursor"] is not None:
        await run(document, {**fixed, "last": 5, "before": info["startCursor"]})


def _dig(data: Any, path: list[str]) -> Any:
    for key in path:
        if data is None:
            return None
        data = data[key]
    return data


async def _every_case(run: Run, world: World, forum_only: bool) -> None:
    """Every read document of tests/compiler/test_equality.py, with its variables."""
    equality = test_equality
    listed = equality.forum_cases(world) if forum_only else equality.cases(world)
    for document, variables in listed:
        await run(document, variables)
    for slug in ("cmp-global", "cmp-gulf"):
        await _walk(
            run, equality.FORUM_PAGING, ["forumCategory", "threads", "pageInfo"], {"slug": slug}
        )
    if forum_only:
        return
    for order in (None, {"field": "HANDLE", "direction": "DESC"}, {"field": "CREATED_AT"}):
        await _walk(run, equality.CONNECTION_PAGE, ["engineers", "pageInfo"], {"order": order})
    await _walk(run, equality.MEMBERS, ["chapter", "members", "pageInfo"], {})
    for document in equality.OUTSIDE_CASES:
        await run(document, {"first": 2, "slug": "gulf-uae"})
    for document in equality.REFUSED_OR_OUTSIDE:
        await run(document, None)


def _response(result: Any) -> dict[str, Any]:
    """strawberry's response as the endpoint serialises it: data, then errors when any."""
    response: dict[str, Any] = {"data": result.data}
    if result.errors:
        response["errors"] = [_steady(error.formatted) for error in result.errors]
    return response


def _steady(error: dict[str, Any]) -> dict[str, Any]:
    """The error with its per-request id (of a masked error) replaced by a fixed mark."""
    extensions = error.get("extensions")
    if isinstance(extensions, dict) and "requestId" in extensions:
        error = {**error, "extensions": {**extensions, "requestId": "<request id>"}}
    return error


def _rows(rows: list[Any]) -> list[list[Any]]:
    """Access-log rows without the request id (random per run)."""
    return [[*row[:4], list(row[4])] for row in rows]


@pytest.mark.parametrize("name", [*VIEWERS, *FORUM_VIEWERS, *CLIENTS])
async def test_the_app_gives_the_golden_answers(both: BothPaths, seed: World, name: str) -> None:
    # Given a viewer and the deterministic seed
    who = _who(name, seed)
    golden_file = GOLDEN / f"{name}.json"
    expected: list[dict[str, Any]] = [] if RECORD else json.loads(golden_file.read_text())
    recorded: list[dict[str, Any]] = []

    async def run(document: str, variables: dict[str, Any] | None) -> Any:
        # When the case runs as the app runs it, then through the compiled statement alone
        request_id = uuid4().hex
        mark = await both.last_log_id()
        result = await both.app(document, variables, who, request_id)
        logged = _rows(await both.log_since(mark))
        response = _response(result)
        entry = {
            "document": document,
            "variables": variables,
            "response": response,
            "logged": logged,
        }
        index = len(recorded)
        recorded.append(entry)
        if not RECORD:
            # Then the app answers as recorded (key order, nulls, errors and codes)
            assert index < len(expected), f"case {index} is not in {golden_file.name}"
            golden = expected[index]
            assert (golden["document"], golden["variables"]) == (document, variables)
            assert json.dumps(response) == json.dumps(golden["response"]), index
            assert logged == golden["logged"], index
        mark = await both.last_log_id()
        compiled = await both.compiled_response(document, variables, who, request_id)
        if compiled is not None:
            # And so does the compiled statement, wherever it answers (errors and nulls
            # included), logging the same reads
            assert json.dumps(compiled) == json.dumps(response), index
            assert _rows(await both.log_since(mark)) == logged, index
        return result.data

    await _every_case(run, seed, forum_only=name in FORUM_VIEWERS)

    if RECORD:
        GOLDEN.mkdir(exist_ok=True)
        golden_file.write_text(json.dumps(recorded, indent=1, ensure_ascii=False) + "\n")
    else:
        # And every recorded case ran
        assert len(recorded) == len(expected)
