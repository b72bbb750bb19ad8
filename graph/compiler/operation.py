"""Compiled operations: parse/validate/plan once per document, bind variables per request."""

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    Undefined,
    Visitor,
    parse,
    specified_rules,
    type_from_ast,
    validate,
    value_from_ast,
    visit,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.language import NamedTypeNode, NonNullTypeNode
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.compiler.binding import ERROR, ITEM_ERRORS, Bound, Fallback, bind
from graph.compiler.failures import Failure
from graph.compiler.mapping import GUARDS
from graph.compiler.plan import ConnectionPlan, NotPlannable, OperationPlan
from graph.compiler.planner import Planner, directive_variables
from graph.compiler.python_fields import PythonFields
from graph.compiler.render import VIEWER_IDS, Renderer, Statement, viewer_values
from graph.compiler.residual import residual_source
from graph.compiler.visibility import NO_CHAPTERS, ViewerKey, viewer_key, viewer_shape
from graph.observability.tracing import statement_span
from graph.services.viewer_ids import resolve

STRAWBERRY_RULES = (*specified_rules, MaybeNullValidationRule, OneOfInputValidationRule)
"""The rules strawberry validates with: a document it refuses is never compiled."""
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
    variables: VariableValues | None = None
    """The request's coerced variables (admission reuses them instead of coercing again)."""
    consent: bool = False
    """The JSON carries consent markers to strip and log (graph.compiler.consent.record)."""
    marks: bool = False
    """The JSON may carry error marks (graph.compiler.failures.resolve)."""
    failures: dict[str, Failure] = field(default_factory=dict)
    """What each error mark stands for, by its id."""
    python: PythonFields | None = None
    """The Python fields the JSON holds markers for (graph.compiler.python_fields), if any."""

    async def run(self, connection: Connection) -> bytes:
        """The JSON text of the response's `data`, UTF-8 encoded (a span when traced)."""
        with statement_span(self.sql):
            result = await connection.fetchval(self.sql, *self.params)
        assert isinstance(result, bytes)
        return result


@dataclass
class PlannedShape:
    """A plan for one set of @include/@skip values, with its statements by argument shape."""

    plan: OperationPlan
    residual: str | None = None
    fixed: frozenset[int] = frozenset()
    python: PythonFields | None = None
    """Argument slots that read no variable: bound once, then reused."""
    constants: dict[int, Bound] = field(default_factory=dict)
    statements: dict[tuple[tuple[Hashable, ...], ViewerKey], Statement] = field(
        default_factory=dict
    )


class PreparedOperation:
    """One (document, operation name): parsed, validated, planned lazily per directive values."""

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        source: str = "",
        document: DocumentNode | None = None,
        registry: ChapterRegistry = NO_CHAPTERS,
    ) -> None:
        self.source = source
        self.registry = registry
        self.document = document or DocumentNode(definitions=(operation, *fragments.values()))
        self.schema = schema
        self.operation = operation
        self.fragments = fragments
        self.directive_names = directive_variables(operation, list(fragments.values()))
        self.scalar_variables = _scalar_variables(schema, operation)
        self.plans: dict[tuple[bool, ...], PlannedShape | None] = {}

    def bind(self, variables: Mapping[str, Any] | None, viewer: Viewer) -> BoundStatement | None:
        """The statement answering this request, or None when strawberry must run it."""
        coerced: Any = None
        if not self.operation.variable_definitions and not variables:
            coerced = NO_VARIABLES
        elif self.scalar_variables is not None:
            coerced = _coerce_scalars(self.scalar_variables, variables or {})
        if coerced is None:
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
            residual = residual_source(
                self.source, self.operation, self.fragments, compiled, self.document
            )
        fixed = frozenset(
            slot
            for slot, owner in enumerate(plan.owners)
            if not _reads_variables(owner.arguments.node)
        )
        python = None
        if plan.python and not self.source:
            return None  # the Python fields' documents are made of the client's text
        if plan.python:
            python = PythonFields(plan.python, self.source, self.operation, self.fragments)
        return PlannedShape(plan, residual, fixed, python)

    def _bind(
        self, planned: PlannedShape, variables: VariableValues, viewer: Viewer
    ) -> BoundStatement | None:
        plan = planned.plan
        shapes: list[Hashable] = []
        values: dict[Any, Any] = {}
        failures: dict[str, Failure] = {}
        try:
            for slot, owner in enumerate(plan.owners):
                bound = planned.constants.get(slot) or bind(owner, owner.arguments, variables)
                if slot in planned.fixed:
                    planned.constants[slot] = bound
                shapes.append(bound.shape)
                for name, value in bound.values.items():
                    values[(slot, name)] = value
                node = owner.arguments.node
                named = owner.paged.guard if isinstance(owner, ConnectionPlan) else None
                guard = GUARDS[named] if named is not None else None
                awaits = guard.awaits if guard is not None else 0
                denial = guard.denial(viewer) if guard is not None else None
                if denial is not None:
                    failures[f"g{slot}"] = Failure(denial, node, awaits)
                if ERROR in bound.values:
                    failures[f"b{slot}"] = Failure(bound.values[ERROR], node, awaits)
                for index, error in (bound.values.get(ITEM_ERRORS) or {}).items():
                    failures[f"b{slot}:{index}"] = Failure(error, node)
        except Fallback:
            return None
        shape = tuple(shapes)
        facts = _viewer_facts(viewer)
        statement = planned.statements.get((shape, facts.shape)) or (
            planned.statements.get((shape, facts.key))
        )
        if statement is None:
            statement = Renderer(plan, shapes, viewer, self.registry).render()
            if len(planned.statements) >= MAX_STATEMENTS_PER_PLAN:
                planned.statements.pop(next(iter(planned.statements)))
            by = facts.key if statement.per_viewer else facts.shape
            planned.statements[(shape, by)] = statement
        values.update(facts.values)
        for name in statement.viewer_ids:
            values[(VIEWER_IDS, name)] = resolve(name, viewer, self.registry)
        params = [values[key] for key in statement.keys]
        return BoundStatement(
            statement.sql,
            params,
            planned.residual,
            plan.keys,
            variables,
            statement.consent,
            statement.marks,
            failures,
            planned.python,
        )


class ViewerFacts:
    """What binding reads from a viewer: its shape, else its key (which statement), and the
    statement's viewer parameters; each read once, when first needed."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.shape = viewer_shape(viewer)

    @cached_property
    def key(self) -> ViewerKey:
        """viewer_key: only for statements rendered for one viewer."""
        return viewer_key(self.viewer)

    @cached_property
    def values(self) -> Mapping[Any, Any]:
        """viewer_values."""
        return viewer_values(self.viewer)


ANONYMOUS_FACTS = ViewerFacts(ANONYMOUS)
"""The anonymous viewer's, kept (Viewer is frozen; every anonymous request shares it)."""


def _viewer_facts(viewer: Viewer) -> ViewerFacts:
    return ANONYMOUS_FACTS if viewer is ANONYMOUS else ViewerFacts(viewer)


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
ScalarVariable = tuple[str, str, bool, Any]
"""(name, built-in scalar type, non-null?, default or Undefined)."""
BUILT_IN_SCALARS = frozenset({"String", "Int", "Boolean", "ID", "Float"})
MAX_INT = 2**31


def _scalar_variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode
) -> tuple[ScalarVariable, ...] | None:
    """The variables, when every one has a built-in scalar type (the fast coercion applies)."""
    found: list[ScalarVariable] = []
    for definition in operation.variable_definitions or ():
        type_node = definition.type
        non_null = isinstance(type_node, NonNullTypeNode)
        named = type_node.type if isinstance(type_node, NonNullTypeNode) else type_node
        if (
            not isinstance(named, NamedTypeNode)
            or named.name.value not in BUILT_IN_SCALARS
            or schema.get_type(named.name.value) is None
        ):
            return None
        default: Any = Undefined
        if definition.default_value is not None:
            graphql_type: Any = type_from_ast(schema, type_node)
            default = value_from_ast(definition.default_value, graphql_type)
            if default is Undefined:
                return None
        found.append((definition.variable.name.value, named.name.value, non_null, default))
    return tuple(found)


def _coerce_scalars(
    variables: tuple[ScalarVariable, ...], inputs: Mapping[str, Any]
) -> VariableValues | None:
    """graphql-core's coercion for built-in scalars; None wherever it would report an error."""
    coerced: dict[str, Any] = {}
    for name, kind, non_null, default in variables:
        if name not in inputs:
            if default is not Undefined:
                coerced[name] = default
            elif non_null:
                return None
            continue
        value = inputs[name]
        if value is None:
            if non_null:
                return None
            coerced[name] = None
        elif _fits(kind, value):
            coerced[name] = value
        elif kind == "ID" and type(value) in (str, int):
            coerced[name] = str(value)
        else:
            return None  # Float and anything unusual: the full coercion decides
    return VariableValues(sources={}, coerced=coerced)


def _fits(kind: str, value: Any) -> bool:
    """The value is already what graphql-core's coercion of `kind` would return."""
    if kind == "Int":
        return type(value) is int and -MAX_INT <= value < MAX_INT
    return (kind == "String" and type(value) is str) or (kind == "Boolean" and type(value) is bool)


class CompiledQueries:
    """A bounded cache of prepared operations for one schema."""

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        maxsize: int = 1000,
        checks: Sequence[DocumentCheck] = (),
        admit: Admit | None = None,
        registry: ChapterRegistry = NO_CHAPTERS,
    ) -> None:
        self.schema = schema
        self.registry = registry
        """The chapters' configs (which fields fellow members see) the visibility rules read."""
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
        if validate(self.schema, document, STRAWBERRY_RULES):
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
        return PreparedOperation(self.schema, operation, fragments, query, document, self.registry)
