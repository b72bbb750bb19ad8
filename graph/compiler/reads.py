"""Compiled reads inside the HTTP endpoint: admitted like any operation, answered by one statement.

The hardened endpoint (graph/http/) parses the request, negotiates, applies trusted documents
and builds the Admission; then it offers the operation here. A compiled answer passes the same
limits, cost and rate budget (graph.extensions.admission.admit) and settles the bill the same
way; page-size errors are refused before admission, as strawberry's validation refuses them,
and errors during execution come back from the statement as marks (graph.compiler.failures).
Anything the plan cannot answer returns None before the budget is charged, and strawberry
runs it as before.
"""

import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from typing import Any
from weakref import WeakKeyDictionary

import orjson
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    validate,
)
from graphql.execution.values import VariableValues
from graphql.validation import NoSchemaIntrospectionCustomRule
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.schema.base import BaseSchema
from strawberry.types import ExecutionResult

from graph.auth.viewer import Viewer
from graph.compiler import consent, failures, mixed, python_fields
from graph.compiler.connections import create_pool, pooled, sessions
from graph.compiler.mutations import CompiledMutations
from graph.compiler.operation import (
    BoundStatement,
    CompiledQueries,
    Connection,
    PreparedOperation,
)
from graph.compiler.payload_writer import Fallback
from graph.context import Context
from graph.errors import ErrorCode
from graph.extensions.access_log import write_consent_reads
from graph.extensions.admission import Admission, admit, settle
from graph.extensions.cost import actual_cost, actual_cost_of_json
from graph.extensions.document_facts import FACTS, OperationFacts
from graph.extensions.errors import INTERNAL_MESSAGE
from graph.extensions.limits import DocumentShape, Limits, measure, parse_within_limits
from graph.extensions.unavailable import is_database_unavailable
from graph.observability import census

logger = logging.getLogger("graph.compiler")
MAX_LIMITS_REMEMBERED = 4
MUTATION_PATH = "mutation"
"""The execution path a mutation run by graph.compiler.mutations reports."""

Acquire = Callable[[], AbstractAsyncContextManager[Connection]]
ContextFactory = Callable[[], Awaitable[Context]]
"""Builds the request's Context (loaders and all) — only a mixed operation needs one."""


@dataclass(frozen=True)
class DocumentFacts:
    """Per prepared operation: whether it introspects, its shape, and (shared with strawberry's
    path) its page verdicts and costs by variable values."""

    schema: GraphQLSchema
    document: DocumentNode
    introspects: bool
    shape: DocumentShape
    operation: OperationFacts
    fitting: list[Limits] = field(default_factory=list)
    """Limits the shape was seen to fit (by identity: one per endpoint, in practice)."""

    def fits(self, limits: Limits) -> bool:
        """Whether the shape is known to fit `limits` (checked by admission otherwise)."""
        return any(known is limits for known in self.fitting)

    @classmethod
    def of(
        cls, schema: GraphQLSchema, prepared: PreparedOperation, query: str, name: str | None
    ) -> "DocumentFacts":
        """Measure the document once."""
        document = prepared.document
        introspection = validate(schema, document, [NoSchemaIntrospectionCustomRule])
        return cls(
            schema,
            document,
            bool(introspection),
            measure(document, prepared.operation),
            FACTS.get(query, document, name),
        )

    def page_errors(
        self, variables: Mapping[str, Any] | None, operation_name: str | None
    ) -> list[GraphQLError]:
        """Each connection field's missing, doubled or out-of-range page argument, as
        strawberry's validation reports them."""
        return self.operation.page_errors(self.schema, self.document, variables, operation_name)


async def finish(
    statement: BoundStatement, text: bytes, context: ContextFactory
) -> tuple[bytes, list[GraphQLError], int]:
    """A statement with error marks: its JSON with the marks resolved (graph.compiler.failures)
    and consent markers stripped (the reads logged, even under a null: strawberry read them),
    the errors, and the actual cost of what is left."""
    data, reads = consent.split(statement, text)
    data, errors = failures.resolve(data, statement.failures)
    await consent.log(reads, context)
    return orjson.dumps(data), errors, actual_cost(data) if data else 0


@dataclass
class CompiledResult:
    """A compiled operation's outcome: `data` as JSON text (or refusals), and its extensions."""

    data_json: bytes | None
    errors: list[GraphQLError]
    extensions: dict[str, Any]
    path: str = "compiled"

    def execution_result(self) -> ExecutionResult:
        """The result with `data` left out (the endpoint splices the JSON text in)."""
        return ExecutionResult(data=None, errors=self.errors or None, extensions=self.extensions)


class CompiledReads:
    """The compiled read path: a cache of planned operations and a connection source."""

    def __init__(
        self,
        compiled: CompiledQueries,
        schema: BaseSchema,
        acquire: Acquire | None = None,
        *,
        report_path: bool = False,
    ) -> None:
        self.compiled = compiled
        self.schema = schema
        """strawberry's schema: runs the root fields of a mixed operation that SQL cannot."""
        self.acquire = acquire
        self.report_path = report_path
        self.pool: Any = None
        self.mutations: CompiledMutations | None = None
        """Runs single-root-field mutations without strawberry's executor (set by the app)."""
        self._known: WeakKeyDictionary[PreparedOperation, DocumentFacts] = WeakKeyDictionary()
        """What admission reads from a document alone, kept as long as its prepared operation."""

    async def open(
        self,
        url: str | None,
        sessionmaker: async_sessionmaker[AsyncSession],
        pool_size: int,
        statement_timeout_ms: int,
    ) -> None:
        """Connect: a lean pool of our own for a URL, else the app's sessions (tests)."""
        if self.acquire is not None:
            return
        if url is None:
            self.acquire = sessions(sessionmaker)
            return
        self.pool = await create_pool(
            url, size=pool_size, statement_timeout_ms=statement_timeout_ms
        )
        self.acquire = pooled(self.pool)

    async def close(self) -> None:
        """Close the pool, if we opened one."""
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    def runs_mutation(self, query: str, operation_name: str | None, limits: Limits) -> bool:
        """Whether `answer` would take this document to graph.compiler.mutations (before
        looking at its variables)."""
        if self.mutations is None:
            return False
        prepared = self._prepared(query, operation_name, limits)
        return prepared is not None and prepared.operation.operation is OperationType.MUTATION

    def _prepared(
        self, query: str, operation_name: str | None, limits: Limits
    ) -> PreparedOperation | None:
        """The prepared operation of a document within the parse limits; None: strawberry's."""
        if len(query) > limits.max_characters:
            return None
        if isinstance(parse_within_limits(query, limits.max_tokens), GraphQLError):
            return None
        return self.compiled.prepare(query, operation_name)

    async def answer(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        viewer: Viewer,
        admission: Admission,
        context: ContextFactory,
        acquire: Acquire | None = None,
        *,
        mutations: bool = False,
    ) -> CompiledResult | None:
        """The compiled result, or None (nothing charged) when strawberry must run it;
        `acquire` overrides where the statement runs (a read replica); `mutations`: whether
        the transport allows them (graph.compiler.mutations runs those it can plan)."""
        prepared = self._prepared(query, operation_name, admission.limits)
        if prepared is None:
            return None
        kind = prepared.operation.operation
        if kind is not OperationType.QUERY and (
            kind is not OperationType.MUTATION or not mutations or self.mutations is None
        ):
            return None
        facts = self._facts(prepared, query, operation_name)
        if facts.introspects and not admission.may_introspect:
            return None
        refused = facts.page_errors(variables, operation_name)
        if refused:  # before execution and admission, as strawberry's validation refuses
            return CompiledResult(None, refused, {})
        if kind is OperationType.MUTATION:
            return await self._mutation(prepared, facts, variables, admission, context)
        statement = prepared.bind(variables, viewer)
        if statement is None:
            return None
        refusal = await self._admitted(prepared, facts, variables, statement.variables, admission)
        if refusal is not None:
            return refusal
        assert self.acquire is not None, "CompiledReads.open() was not awaited"
        if statement.residual is not None:
            made = await context()
            return await self._mixed(
                statement, variables, operation_name, made, admission, acquire or self.acquire
            )
        async with (acquire or self.acquire)() as connection:
            text = await statement.run(connection)
        errors: list[GraphQLError] = []
        if statement.python is not None:
            text, errors, actual = await self._python(
                statement, text, variables, await context(), admission
            )
        elif statement.marks:
            text, errors, actual = await finish(statement, text, context)
        else:
            text = await consent.record(statement, text, context)
            actual = actual_cost_of_json(text)
        extensions = await settle(admission, None, actual)
        if self.report_path:
            extensions["execution"] = "compiled"
        return CompiledResult(text, errors, extensions)

    async def answer_retried(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        viewer: Viewer,
        admission: Admission,
        context: ContextFactory,
        request_id: str,
        acquire: Acquire | None = None,
        *,
        mutations: bool = False,
        passthrough: tuple[type[BaseException], ...] = (),
    ) -> CompiledResult | None:
        """`answer`, with a statement that fails run once more (a backend killed under it);
        failing again, an INTERNAL error carrying `request_id` (reads have no other path to
        fall back on). A database outage and the `passthrough` exceptions are raised."""
        for attempt in (1, 2):
            try:
                return await self.answer(
                    query,
                    operation_name,
                    variables,
                    viewer,
                    admission,
                    context,
                    acquire,
                    mutations=mutations,
                )
            except passthrough:
                raise
            except Exception as error:
                if is_database_unavailable(error):
                    raise
                logger.exception("compiled statement failed (attempt %d of 2)", attempt)
                admission.budget = None  # charged already: the rerun is not charged again
                admission.executed = False
        internal = GraphQLError(
            INTERNAL_MESSAGE,
            extensions={"code": ErrorCode.INTERNAL.value, "requestId": request_id},
        )
        admission.executed = True  # it ran and failed: an execution error, not a refusal
        return CompiledResult(None, [internal], {})

    async def _mutation(
        self,
        prepared: PreparedOperation,
        facts: DocumentFacts,
        variables: Mapping[str, Any] | None,
        admission: Admission,
        context: ContextFactory,
    ) -> CompiledResult | None:
        """A mutation run by graph.compiler.mutations, admitted and billed as strawberry's
        extensions would; None (nothing charged, nothing changed) for strawberry."""
        assert self.mutations is not None
        request = self.mutations.request(prepared, variables)
        if request is None:
            return None
        refusal = await self._admitted(prepared, facts, variables, request.variables, admission)
        if refusal is not None:
            return refusal
        try:
            data, errors = await self.mutations.execute(request, await context())
        except Fallback:
            # Admitted and charged already: strawberry reruns it without charging again.
            admission.budget = None
            admission.executed = False
            return None
        extensions = await settle(admission, data)
        if self.report_path:
            extensions["execution"] = MUTATION_PATH
        return CompiledResult(orjson.dumps(data), errors, extensions, MUTATION_PATH)

    async def _admitted(
        self,
        prepared: PreparedOperation,
        facts: DocumentFacts,
        variables: Mapping[str, Any] | None,
        coerced: VariableValues | None,
        admission: Admission,
    ) -> CompiledResult | None:
        """Admit the operation as strawberry's extensions would: its refusal (billed), or None
        once admitted (the shape remembered as fitting, the admission marked executed)."""
        limits = admission.limits
        fits = facts.fits(limits)
        refused = await admit(
            self.compiled.schema,
            prepared.document,
            prepared.operation,
            dict(variables or {}),
            admission,
            introspects=facts.introspects,
            shape=facts.shape,
            coerced=coerced,
            facts=facts.operation,
            within_limits=fits,
        )
        if refused:
            return CompiledResult(None, refused, await settle(admission, None))
        if not fits and len(facts.fitting) < MAX_LIMITS_REMEMBERED:
            facts.fitting.append(limits)
        admission.executed = True
        return None

    def _facts(
        self, prepared: PreparedOperation, query: str, operation_name: str | None
    ) -> "DocumentFacts":
        facts = self._known.get(prepared)
        if facts is None:
            facts = DocumentFacts.of(self.compiled.schema, prepared, query, operation_name)
            self._known[prepared] = facts
        return facts

    def _executor(
        self, context: Context, operation_name: str | None = None
    ) -> python_fields.Execute:
        """Runs a document through strawberry with `context` (not charged again: the whole
        operation was admitted and paid for already): a mixed operation's residual, or the
        document resolving Python fields."""

        async def execute(source: str, variables: dict[str, Any]) -> ExecutionResult:
            result: ExecutionResult = await self.schema.execute(
                source,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
            )
            return result

        return execute

    async def _python(
        self,
        statement: BoundStatement,
        text: bytes,
        variables: Mapping[str, Any] | None,
        context: Context,
        admission: Admission,
    ) -> tuple[bytes, list[GraphQLError], int]:
        """The statement's JSON with its Python fields resolved for the rows that reached
        them (graph.compiler.python_fields); the errors; the actual cost of the result."""
        assert statement.python is not None
        data, reads = consent.split(statement, text)
        errors: list[GraphQLError] = []
        if statement.marks:
            data, errors = failures.resolve(data, statement.failures)
        for read, fields in reads.items():  # logged with strawberry's reads, at its end
            context.consent_reads.setdefault(read, set()).update(fields)
        context.admission = replace(admission, budget=None, bucket=None, executed=False)
        try:
            if data is not None:
                data, more = await statement.python.complete(
                    data, variables, self._executor(context)
                )
                errors.extend(more)
            await write_consent_reads(context)
        finally:
            context.admission = admission
        return orjson.dumps(data), errors, actual_cost(data) if data else 0

    async def _mixed(
        self,
        statement: BoundStatement,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        context: Context,
        admission: Admission,
        acquire: Acquire,
    ) -> CompiledResult:
        """Compiled root fields from SQL, the others from strawberry's executor (not charged
        again: the whole operation was admitted and paid for above)."""
        context.admission = replace(admission, budget=None, bucket=None, executed=False)
        assert statement.residual is not None
        async with acquire() as connection:
            compiled, reads = consent.split(statement, await statement.run(connection))
        for read, fields in reads.items():  # logged with strawberry's reads, at its end
            context.consent_reads.setdefault(read, set()).update(fields)
        below: list[GraphQLError] = []
        if statement.marks:  # the compiled half's own errors, before the residual's
            compiled, below = failures.resolve(compiled, statement.failures)
        if statement.python is not None and compiled is not None:
            compiled, more = await statement.python.complete(
                compiled, variables, self._executor(context)
            )
            below.extend(more)
        residual = self._executor(context, operation_name)
        marked = census.RESIDUAL.set(True)
        try:
            result = await residual(statement.residual, dict(variables or {}))
        finally:
            census.RESIDUAL.reset(marked)
        context.admission = admission
        data = mixed.merge(statement.keys, compiled, result)["data"]
        extensions = await settle(admission, data)
        if self.report_path:
            extensions["execution"] = "mixed"
        errors = [*below, *(result.errors or ())]
        return CompiledResult(orjson.dumps(data), errors, extensions, "mixed")
