"""Unexpected exceptions are masked with the request id and logged with their stack."""

import logging
from typing import Any

import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.chapters import ChapterRegistry
from graph.context import Context
from graph.database import RequestDatabase
from graph.errors import NotFound
from graph.extensions.errors import MaskUnexpectedErrors
from graph.schema import BrainGainSchema


@strawberry.type(description="Test root.")
class Query:
    """A tiny schema with one failing and one expected-error field."""

    @strawberry.field(description="Raises a bug.")
    def broken(self) -> int:
        """Simulates a bug leaking an internal detail."""
        raise RuntimeError("password=hunter2 at db.internal:5432")

    @strawberry.field(description="Raises an expected error.")
    def missing(self) -> int:
        """Simulates an expected failure."""
        raise NotFound("No such thing.")


SCHEMA = BrainGainSchema(query=Query, extensions=[MaskUnexpectedErrors])


async def _run(document: str, sessionmaker: async_sessionmaker[AsyncSession]) -> Any:
    context = Context.create(RequestDatabase(sessionmaker), ChapterRegistry(), request_id="req-42")
    return await SCHEMA.execute(document, context_value=context)


async def test_unexpected_error_is_masked_with_request_id_and_logged(
    sessionmaker: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="graph.errors"):
        result = await _run("{ broken }", sessionmaker)

    error = result.errors[0]
    assert error.message == "Internal server error."
    assert error.extensions == {"code": "INTERNAL", "requestId": "req-42"}
    assert "hunter2" not in str(result.errors)
    record = caplog.records[0]
    assert "req-42" in record.getMessage()
    assert record.exc_info is not None
    assert "hunter2" in str(record.exc_info[1])


async def test_expected_error_keeps_message_and_code(
    sessionmaker: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="graph.errors"):
        result = await _run("{ missing }", sessionmaker)
    assert result.errors[0].message == "No such thing."
    assert result.errors[0].extensions["code"] == "NOT_FOUND"
    assert caplog.records == []
