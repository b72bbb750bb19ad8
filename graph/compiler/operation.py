"""Compiled operations: parse/validate/plan once per document, bind variables per request."""

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    Visitor,
    parse,
    validate,
    visit,
)
from graphql.execution.values import VariableValues, get_variable_values

from graph.auth.viewer import Viewer
from graph.compiler.binding import Bound, Fallback, bind
from graph.compiler.plan import NotPlannable, OperationPlan
from graph.compiler.planner import Planner, directive_variables
from graph.compiler.render import Renderer, Statement
from graph.compiler.residual import residual_source

MAX_DOCUMENT_BYTES = 100_000
MAX_STATEMENTS_PER_PLAN = 256
"""Rendered statements kept per plan: one per argument shape and viewer visibility."""

DocumentCheck = Callable[[GraphQLSchema, DocumentNode, str | None], Sequence[GraphQLError]]
"""A document-level check (depth, aliases, tokens); any error sends it to strawberry for good."""

Admit = Callable[[OperationDefinitionNode, Mapping[str, Any] | None, Viewer], bool]
"""A per-request admission (cost with variables, rate budget); False sends it to strawberry,
which applies the same rule and reports it."""


class Connection(Protocol):
    """The slice of asyncpg.Connection the executor uses."""

    async def fetchval(self, query: str, *args: Any) -> Any:
        """First column of the first row."""


@dataclass(frozen=True)
class BoundStatement:
    """SQL and parameter values for one request."""

    sql: str
    params: list[Any]
    residual: str | None = None
    """For a mixed operation: the source strawberry runs for the remaining root fields."""
    keys: tuple[str, ...] = ()
    """Root response keys in order (for merging a mixed operation's two halves)."""

    async def run(self, connection: Connection) -> str:
        """The JSON text of the response's `data`."""
        result = await connection.fetchval(self.sql, *self.params)
        assert isinstance(result, str)
        return result


@dataclass
class PlannedShape:
    """A plan for one set of @include/@skip values, with its statements by argument shape."""

    plan: OperationPlan
    residual: str | None = None
    fixed: frozenset[int] = frozenset()
    """Argument slots that read no variable: bound once, then reused."""
    constants: dict[int, Bound] = field(default_factory=dict)
    statements: dict[tuple[tuple[Hashable, ...], Viewer], Statement] = field(default_factory=dict)


class PreparedOperation:
    """One (document, operation name): parsed, validated, planned lazily per directive values."""

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        source: str = "",
    ) -> None:
        self.source = source
        self.schema = schema
        self.operation = operation
        self.fragments = fragments
        self.directive_names = directive_variables(operation, list(fragments.values()))
        self.plans: dict[tuple[bool, ...], PlannedShape | None] = {}

    def bind(self, variables: Mapping[str, Any] | None, viewer: Viewer) -> BoundStatement | None:
        """The statement answering this request, or None when strawberry must run it."""
        if not self.operation.variable_definitions and not variables:
            coerced: Any = NO_VARIABLES
        else:
            coerced = get_variable_values(
                self.schema, self.operation.variable_definitions or (), dict(variables or {})
            )
            if not isinstance(coerced, VariableValues):
                return None
        values = coerced.coerced
        directive_key = tuple(bool(values.get(name)) for name in self.directive_names)
        if directive_key in self.plans:
            planned = self.plans[directive_key]
        else:
            planned = self.plans[directive_key] = self._plan(values)
        if planned is None:
            return None
        return self._bind(planned, coerced, viewer)

    def _plan(self, values: Mapping[str, Any]) -> PlannedShape | None:
        try:
            plan = Planner(self.schema, self.operation, self.fragments, values).plan(
                partial=bool(self.source)
            )
        except NotPlannable:
            return None
        residual = None
        if plan.residual:
            compiled = set(plan.keys) - {_key(node) for node in plan.residual}
            residual = residual_source(self.source, self.operation, self.fragments, compiled)
        fixed = frozenset(
            slot
            for slot, owner in enumerate(plan.owners)
            if not _reads_variables(owner.arguments.node)
        )
        return PlannedShape(plan, residual, fixed)

    def _bind(
        self, planned: PlannedShape, variables: VariableValues, viewer: Viewer
    ) -> BoundStatement | None:
        plan = planned.plan
        shapes: list[Hashable] = []
        values: dict[Any, Any] = {}
        try:
            for slot, owner in enumerate(plan.owners):
                bound = planned.constants.get(slot) or bind(owner, owner.arguments, variables)
                if slot in planned.fixed:
                    planned.constants[slot] = bound
                shapes.append(bound.shape)
                for name, value in bound.values.items():
                    values[(slot, name)] = value
        except Fallback:
            return None
        key = (tuple(shapes), viewer)
        statement = planned.statements.get(key)
        if statement is None:
            statement = Renderer(plan, shapes, viewer).render()
            if len(planned.statements) >= MAX_STATEMENTS_PER_PLAN:
                planned.statements.pop(next(iter(planned.statements)))
            planned.statements[key] = statement
        params = [values[key] for key in statement.keys]
        return BoundStatement(statement.sql, params, planned.residual, plan.keys)


def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _reads_variables(node: FieldNode) -> bool:
    """Whether any argument of the field mentions a variable."""
    found = False

    class Finder(Visitor):
        def enter_variable(self, *_: Any) -> None:
            nonlocal found
            found = True

    for argument in node.arguments or ():
        visit(argument, Finder())
    return found


NO_VARIABLES = VariableValues(sources={}, coerced={})


class CompiledQueries:
    """A bounded cache of prepared operations for one schema."""

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        maxsize: int = 1000,
        checks: Sequence[DocumentCheck] = (),
        admit: Admit | None = None,
    ) -> None:
        self.schema = schema
        self.maxsize = maxsize
        self.checks = tuple(checks)
        self.admit = admit
        self._cache: OrderedDict[tuple[str, str | None], PreparedOperation | None] = OrderedDict()

    def prepare(self, query: str, operation_name: str | None) -> PreparedOperation | None:
        """The prepared operation, or None when it is invalid or strawberry must run it."""
        key = (query, operation_name)
        try:
            found = self._cache[key]
        except KeyError:
            found = self._prepare(query, operation_name)
            self._cache[key] = found
            if len(self._cache) > self.maxsize:
                self._cache.popitem(last=False)
        return found

    def statement(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        viewer: Viewer,
    ) -> BoundStatement | None:
        """Prepare (cached) and bind in one step."""
        prepared = self.prepare(query, operation_name)
        if prepared is None:
            return None
        if self.admit is not None and not self.admit(prepared.operation, variables, viewer):
            return None
        return prepared.bind(variables, viewer)

    def _prepare(self, query: str, operation_name: str | None) -> PreparedOperation | None:
        if len(query) > MAX_DOCUMENT_BYTES:
            return None
        try:
            document = parse(query)
        except GraphQLError:
            return None
        if validate(self.schema, document):
            return None
        for check in self.checks:
            if check(self.schema, document, operation_name):
                return None
        operations = [
            definition
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
        ]
        if operation_name is None:
            if len(operations) != 1:
                return None
            operation = operations[0]
        else:
            matching = [op for op in operations if op.name and op.name.value == operation_name]
            if len(matching) != 1:
                return None
            operation = matching[0]
        fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        return PreparedOperation(self.schema, operation, fragments, query)
