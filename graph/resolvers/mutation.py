"""What every mutation shares: one transaction committed once, and userErrors from services."""

import enum
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from graph.context import Info
from graph.errors import BadUserInput
from graph.ids import decode_id_of
from graph.services.problems import Rejected, reject

ResultT = TypeVar("ResultT")


async def run(info: Info, work: Callable[[AsyncSession], Awaitable[ResultT]]) -> ResultT | Rejected:
    """Run `work` in the request's session and commit once; a Rejected rolls everything back."""
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


def decode(value: str, type_name: str, code: enum.Enum, *field: str) -> int:
    """The primary key of a global ID of `type_name`, or a Rejected with `code` for `field`."""
    try:
        return decode_id_of(value, type_name)
    except BadUserInput:
        raise reject(code, f"Not the ID of a {type_name}.", *field) from None
