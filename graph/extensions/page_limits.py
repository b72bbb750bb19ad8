"""Connection fields without a valid `first`/`last`: found before anything executes."""

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
    type_from_ast,
    value_from_ast,
    visit,
)
from graphql.language import DocumentNode, FragmentDefinitionNode

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
    definitions = list(_selected_definitions(document, operation_name))
    values = {**_defaults(schema, definitions), **(variables or {})}
    collector = _PageArgumentCollector(type_info, values)
    for definition in definitions:
        visit(definition, TypeInfoVisitor(type_info, collector))
    return collector.errors


def _defaults(
    schema: GraphQLSchema,
    definitions: list[OperationDefinitionNode | FragmentDefinitionNode],
) -> dict[str, Any]:
    """The default values the selected operations declare for their variables (a variable
    the client leaves out takes its default, as execution gives it)."""
    found: dict[str, Any] = {}
    for definition in definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        for variable in definition.variable_definitions or ():
            if variable.default_value is None:
                continue
            variable_type = type_from_ast(schema, variable.type)
            if variable_type is None:
                continue
            value = value_from_ast(variable.default_value, variable_type)  # type: ignore[arg-type]
            if value.__class__.__name__ != "UndefinedType":
                found[variable.variable.name.value] = value
    return found
