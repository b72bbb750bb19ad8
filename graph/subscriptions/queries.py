"""Queries sent over a WebSocket, answered by the compiled read path as over HTTP.

graphql-transport-ws carries queries as well as subscriptions (Apollo Client and urql send
every operation over the socket when a link routes them so). strawberry would execute such a
query itself; instead the socket offers it to the endpoint's `CompiledReads` first, with a
fresh Admission for the operation's viewer (the connection's policy: same limits, cost and
rate budget as strawberry's AdmissionControl applies to it). What the compiled path declines
(subscriptions, mutations, invalid documents, introspection, the roots strawberry resolves)
returns None, and strawberry runs it. A statement that fails is run once more; failing
again, the answer is an INTERNAL error (DATABASE_UNAVAILABLE with when to retry, in an
outage). A refusal before execution is sent as the protocol's `error` message, as strawberry
sends its pre-execution errors; an answer as `next`, then `complete`.
"""

from typing import TYPE_CHECKING, Any

import orjson
from graphql import GraphQLError
from strawberry.types import ExecutionResult

from graph.extensions.admission import ConnectionPolicy
from graph.extensions.unavailable import is_database_unavailable, unavailable_error

if TYPE_CHECKING:
    from graph.compiler.reads import CompiledReads
    from graph.context import Context


class Answer:
    """A compiled answer to a socket's query: refused before execution, or a result."""

    def __init__(self, refused: list[GraphQLError] | None, result: ExecutionResult | None):
        self.refused = refused
        self.result = result


async def answer(
    compiled: "CompiledReads | None",
    context: "Context",
    query: str,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> Answer | None:
    """The compiled answer to one socket operation, or None for strawberry."""
    policy = getattr(context, "admission", None)
    if compiled is None or not isinstance(policy, ConnectionPolicy):
        return None
    admission = policy.admission_for(context.viewer)

    async def made() -> "Context":
        return context

    try:
        found = await compiled.answer_retried(
            query, operation_name, variables, context.viewer, admission, made, context.request_id
        )
    except Exception as error:
        if not is_database_unavailable(error):
            raise
        return Answer(None, ExecutionResult(data=None, errors=[unavailable_error()]))
    if found is None:
        return None
    if not admission.executed:
        return Answer(found.errors, None)
    data = orjson.loads(found.data_json) if found.data_json is not None else None
    return Answer(
        None,
        ExecutionResult(
            data=data, errors=found.errors or None, extensions=found.extensions or None
        ),
    )
