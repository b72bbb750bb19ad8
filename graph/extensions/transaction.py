"""A mutation is one transaction: its root fields write in savepoints, committed at the end.

graph.resolvers.mutation.run gives each root field a savepoint (a refused field rolls back
its own work only, as before); the operation's payloads are then read — by the compiled path
(graph.compiler.objects), on the same connection — before this extension commits, so the
client sees its own write and nothing is visible to anyone else until all of it is. If the
commit itself fails, nothing was changed and the answer says so.
"""

from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from db.driver import commit, rollback
from db.lean import NeedsSession, transaction_of
from graph.errors import ErrorCode

COMMIT_FAILED = "The change could not be saved; nothing was changed. Try again."


class OperationTransaction(SchemaExtension):
    """Commits a mutation's transaction once every payload has been read."""

    async def on_execute(self) -> AsyncIterator[None]:
        """Open the operation's transaction scope, run it, then commit."""
        execution = self.execution_context
        context = execution.context
        mutation = execution.operation_type is OperationType.MUTATION and hasattr(
            context, "in_operation_transaction"
        )
        if mutation:
            context.in_operation_transaction = True
        try:
            yield
        finally:
            if mutation:
                context.in_operation_transaction = False
        if not mutation:
            return
        failure = await commit_operation(context)
        if failure is not None:
            if execution.result is None:
                raise failure
            execution.result.data = None
            execution.result.errors = [commit_failed()]


def commit_failed() -> GraphQLError:
    """The error an operation answers with when its commit failed."""
    return GraphQLError(COMMIT_FAILED, extensions={"code": ErrorCode.INTERNAL.value})


async def commit_operation(context: Any) -> Exception | None:
    """Commit the operation's transaction (if one is open); the exception when the commit
    failed and was rolled back. The extension and graph.compiler.mutations both end here."""
    async with context.database.session() as session:
        if not session.in_transaction() and transaction_of(session) is None:
            return None
        try:
            await commit(session)
        except NeedsSession:
            raise  # nothing committed: graph.compiler.mutations runs it on a session
        except Exception as failure:
            await rollback(session)
            return failure
    return None
