"""What every mutation shares: one transaction committed once, and userErrors from services."""

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphql import FieldNode
from sqlalchemy.ext.asyncio import AsyncSession

from db.driver import rollback
from graph.auth.permissions import require_engineer, require_scope
from graph.auth.scopes import Scope
from graph.context import Info
from graph.errors import BadUserInput
from graph.ids import decode_id_of
from graph.services.problems import Rejected, reject

ResultT = TypeVar("ResultT")
ErrorT = TypeVar("ErrorT")
PayloadT = TypeVar("PayloadT")


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


async def run_checked(
    info: Info,
    work: Callable[[AsyncSession], Awaitable[ResultT]],
    *,
    scope: Scope | None = None,
    engineer: bool = False,
) -> ResultT | Rejected:
    """`run`, once the viewer holds `scope` (when given) and then is an engineer (when asked)."""
    if scope is not None:
        require_scope(info.context.viewer, scope)
    if engineer:
        require_engineer(info.context.viewer)
    return await run(info, work)


@dataclass(frozen=True)
class Answers(Generic[ErrorT]):
    """How one domain's mutations answer: its userError type and code enum, and the path its
    problems' fields are under (`input`, unless the service names it itself)."""

    error: Callable[..., ErrorT]
    code: Callable[[Any], enum.Enum]
    under: tuple[str, ...] = ("input",)

    def errors(self, rejected: Rejected) -> list[ErrorT]:
        """The userErrors of a refusal."""
        return [
            self.error(
                field=[*self.under, *problem.field] if problem.field else None,
                code=self.code(problem.code.value),
                message=problem.message,
            )
            for problem in rejected.problems
        ]

    def payload(
        self, kind: Callable[..., PayloadT], result: Any, **fields: Callable[[Any], Any]
    ) -> PayloadT:
        """A `kind` payload: each field built from the result and no userErrors, or (the
        service refused) every field null and the refusal's userErrors."""
        if isinstance(result, Rejected):
            return kind(**dict.fromkeys(fields), user_errors=self.errors(result))
        return kind(**{name: build(result) for name, build in fields.items()}, user_errors=[])


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
            await rollback(session)
            return rejected
        except BaseException:
            await rollback(session)
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
