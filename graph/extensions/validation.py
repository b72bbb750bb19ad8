"""Validation before execution: cached by document text, then the page-size check.

Setting `pre_execution_errors` before strawberry's own validation makes it skip its run and
return these errors instead, so an invalid page size never reaches a resolver.
"""

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from graph.extensions.document_facts import FACTS


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
                facts = FACTS.get(context.query, document, context.operation_name)
                errors = facts.page_errors(
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
