"""What every mutation shares: one transaction committed once, and userErrors from services."""

import enum
from collections.abc import Awaitable, Callable
from typing import TypeVar

from graphql import FieldNode
from sqlalchemy.ext.asyncio import AsyncSession

from graph.context import Info
from graph.errors import BadUserInput
from graph.ids import decode_id_of
from graph.services.problems import Rejected, reject

ResultT = TypeVar("ResultT")


async def run(info: Info, work: Callable[[AsyncSession], Awaitable[ResultT]]) -> ResultT | Rejected:
    """Run `work` in the request's session; a Rejected rolls all of it back.

    Inside a mutation operation (graph.extensions.transaction) the work runs in a savepoint of
    the operation's one transaction, committed after the payloads are read — or, when the
    operation has this one root field, in the transaction itself (a refusal rolls all of it
    back, which is then the same thing, two round trips cheaper); elsewhere (a service called
    on its own) it commits here.
    """
    if info.context.in_operation_transaction:
        if _only_root_field(info):
            return await _in_transaction(info, work)
        return await _in_savepoint(info, work)
    async with info.context.database.session() as session:
        try:
            result = await work(session)
            await session.commit()
        except Rejected as rejected:
            await session.rollback()
            return rejected
        except BaseException:
            await session.rollback()
            raise
    return result


def _only_root_field(info: Info) -> bool:
    """Whether this field is the operation's one root selection (no siblings, no fragments)."""
    selections = info.operation.selection_set.selections
    return len(selections) == 1 and isinstance(selections[0], FieldNode)


async def _in_transaction(
    info: Info, work: Callable[[AsyncSession], Awaitable[ResultT]]
) -> ResultT | Rejected:
    async with info.context.database.session() as session:
        try:
            return await work(session)
        except Rejected as rejected:
            await session.rollback()
            return rejected
        except BaseException:
            await session.rollback()
            raise


async def _in_savepoint(
    info: Info, work: Callable[[AsyncSession], Awaitable[ResultT]]
) -> ResultT | Rejected:
    async with info.context.database.session() as session:
        savepoint = await session.begin_nested()
        try:
            result = await work(session)
            await savepoint.commit()
        except Rejected as rejected:
            await savepoint.rollback()
            return rejected
        except BaseException:
            await savepoint.rollback()
            raise
    return result


def decode(value: str, type_name: str, code: enum.Enum, *field: str) -> int:
    """The primary key of a global ID of `type_name`, or a Rejected with `code` for `field`."""
    try:
        return decode_id_of(value, type_name)
    except BadUserInput:
        raise reject(code, f"Not the ID of a {type_name}.", *field) from None
