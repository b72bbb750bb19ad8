"""Reject connection fields without a valid `first`/`last` before anything executes."""

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    Visitor,
    get_named_type,
    validate,
    value_from_ast,
    visit,
)
from graphql.language import DocumentNode, FragmentDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from graph.errors import BadUserInput
from graph.pagination import validate_page_size

PAGE_ARGUMENTS = ("first", "last", "after", "before")


class _PageArgumentCollector(Visitor):
    """Finds connection fields and evaluates their paging arguments with the variables."""

    def __init__(self, type_info: TypeInfo, variables: Mapping[str, Any]) -> None:
        super().__init__()
        self.type_info = type_info
        self.variables = variables
        self.errors: list[GraphQLError] = []

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        field = self.type_info.get_field_def()
        if field is None or "first" not in field.args or "last" not in field.args:
            return
        values: dict[str, Any] = {}
        for argument in node.arguments or ():
            name = argument.name.value
            if name in PAGE_ARGUMENTS:
                values[name] = self._value(argument.value, field.args[name].type)
        try:
            validate_page_size(
                values.get("first"), values.get("last"), values.get("after"), values.get("before")
            )
        except BadUserInput as error:
            type_name = get_named_type(self.type_info.get_parent_type())
            self.errors.append(
                GraphQLError(
                    f"{error.message} (field `{type_name}.{node.name.value}`)",
                    nodes=[node],
                    extensions=error.extensions,
                )
            )

    def _value(self, node: ValueNode, type_: Any) -> Any:
        value = value_from_ast(node, type_, dict(self.variables))
        return None if value is None or value.__class__.__name__ == "UndefinedType" else value


def _selected_definitions(
    document: DocumentNode, operation_name: str | None
) -> Iterator[OperationDefinitionNode | FragmentDefinitionNode]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode | OperationDefinitionNode) and (
            isinstance(definition, FragmentDefinitionNode)
            or _is_selected(definition, operation_name, len(operations))
        ):
            yield definition


def _is_selected(
    operation: OperationDefinitionNode, operation_name: str | None, operation_count: int
) -> bool:
    if operation_count == 1 or operation_name is None:
        return True
    return operation.name is not None and operation.name.value == operation_name


def page_argument_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    operation_name: str | None = None,
) -> list[GraphQLError]:
    """Errors for every connection field whose first/last is missing, doubled or out of range."""
    type_info = TypeInfo(schema)
    collector = _PageArgumentCollector(type_info, variables or {})
    for definition in _selected_definitions(document, operation_name):
        visit(definition, TypeInfoVisitor(type_info, collector))
    return collector.errors


class ValidationWithPageLimits(SchemaExtension):
    """Validates the document (cached by its text), then checks paging arguments with variables.

    Setting `pre_execution_errors` before strawberry's own validation makes it skip its run and
    return these errors instead, so an invalid page size never reaches a resolver.
    """

    def on_validate(self) -> Iterator[None]:
        """Run cached validation plus the page-argument check."""
        context = self.execution_context
        document = context.graphql_document
        if context.pre_execution_errors is None and document is not None:
            schema = context.schema._schema
            errors = list(
                _cached_validation(schema, context.query, document, context.validation_rules)
            )
            if not errors:
                errors = page_argument_errors(
                    schema, document, context.variables, context.operation_name
                )
            context.pre_execution_errors = errors
        yield


_VALIDATION_CACHE: dict[tuple[int, str], tuple[GraphQLError, ...]] = {}
_VALIDATION_CACHE_SIZE = 1000


def _cached_validation(
    schema: GraphQLSchema, query: str | None, document: DocumentNode, rules: Any
) -> tuple[GraphQLError, ...]:
    key = (id(schema), query) if query is not None else None
    if key is not None and key in _VALIDATION_CACHE:
        return _VALIDATION_CACHE[key]
    # hide_suggestions: no 'Did you mean …?' hints that would reveal the schema's names
    rules = (*rules, MaybeNullValidationRule, OneOfInputValidationRule)
    errors = tuple(validate(schema, document, rules, hide_suggestions=True))
    if key is not None:
        if len(_VALIDATION_CACHE) >= _VALIDATION_CACHE_SIZE:
            _VALIDATION_CACHE.pop(next(iter(_VALIDATION_CACHE)))
        _VALIDATION_CACHE[key] = errors
    return errors
