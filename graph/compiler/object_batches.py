"""One operation's pending payload objects, read together: one statement per field position.

graphql-core completes the items of a list (and the objects under them) one by one; each
object of a node type asks for its field position's lookup (graph.compiler.objects) and waits
one loop turn, as a DataLoader does, so every object of that position is read by one
`CompiledObjects.answer` — a list of any length is one statement.
"""

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from graphql import Source, Undefined

from graph.compiler.objects import CompiledObjects, Lookup

if TYPE_CHECKING:
    from graph.context import Context


class ObjectBatches:
    """One operation's pending objects by lookup: every object of a field position that
    arrives in the same loop turn is read by one `CompiledObjects.answer`."""

    def __init__(self, objects: CompiledObjects) -> None:
        self.objects = objects
        self._pending: dict[Lookup, list[tuple[str, asyncio.Future[Any]]]] = {}

    def load(
        self,
        lookup: Lookup,
        global_id: str,
        sources: Mapping[str, Any],
        context: "Context",
        client: Source | None,
    ) -> "asyncio.Future[Any]":
        """A future of (value, faults) for one object, or of `Undefined` for strawberry."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        waiting = self._pending.get(lookup)
        if waiting is None:
            waiting = self._pending[lookup] = []
            loop.call_soon(
                lambda: loop.create_task(self._dispatch(lookup, sources, context, client))
            )
        waiting.append((global_id, future))
        return future

    async def _dispatch(
        self,
        lookup: Lookup,
        sources: Mapping[str, Any],
        context: "Context",
        client: Source | None,
    ) -> None:
        waiting = self._pending.pop(lookup)
        if all(future.done() for _, future in waiting):
            return  # every waiter was cancelled (a null propagated past them): read nothing
        try:
            answer = await self.objects.answer(
                lookup, [global_id for global_id, _ in waiting], sources, context, client
            )
        except BaseException as error:
            for _, future in waiting:
                if not future.done():
                    future.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        for index, (_, future) in enumerate(waiting):
            if future.done():
                continue
            if answer is Undefined:
                future.set_result(Undefined)
            else:
                mine = [fault for fault in answer.faults if fault.item == index]
                future.set_result((answer.values[index], mine))
