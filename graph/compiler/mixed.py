"""Mixed operations: compiled root fields and strawberry's answer for the rest, in one response."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.types import ExecutionResult

from graph.compiler import consent
from graph.compiler.operation import BoundStatement, Connection

RunResidual = Callable[[str, consent.Reads], Awaitable[ExecutionResult]]
"""Runs the residual source; it logs the compiled half's consent reads with its own."""


def merge(
    keys: Sequence[str], compiled: dict[str, Any] | None, result: ExecutionResult
) -> dict[str, Any]:
    """The response body strawberry would give: data in root order, then errors, extensions."""
    body: dict[str, Any] = {}
    if result.data is None or compiled is None:
        body["data"] = None
    else:
        body["data"] = {
            key: compiled[key] if key in compiled else result.data[key]
            for key in keys
            if key in compiled or key in result.data
        }
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        body["extensions"] = result.extensions
    return body


async def execute(
    statement: BoundStatement, connection: Connection, run_residual: RunResidual
) -> dict[str, Any]:
    """Run both halves of a mixed operation and merge them."""
    assert statement.residual is not None
    compiled, reads = consent.split(statement, await statement.run(connection))
    result = await run_residual(statement.residual, reads)
    return merge(statement.keys, compiled, result)
