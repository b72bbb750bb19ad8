"""The fast paths for scalar variables and bare-variable arguments agree with graphql-core."""

from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse
from graphql.execution.values import VariableValues, get_variable_values

from graph.compiler.operation import _coerce_scalars, _scalar_variables
from graph.schema import schema

OPERATION = """
query ($s: String!, $i: Int, $b: Boolean = true, $id: ID, $n: Int = 7) {
  sectors { slug }
}
"""


@pytest.mark.parametrize(
    "inputs",
    [
        {"s": "x"},
        {"s": "x", "i": 5, "b": False, "id": 12, "n": None},
        {"s": "x", "id": "abc", "i": None},
        {"s": "x", "i": 2**31},
        {"s": "x", "i": True},
        {"s": "x", "i": 1.0},
        {"s": 5},
        {"s": None},
        {},
        {"s": "x", "b": "yes"},
        {"s": "x", "extra": [1, 2]},
    ],
)
def test_scalar_coercion_matches_graphql_core_or_defers_to_it(inputs: dict[str, Any]) -> None:
    operation = parse(OPERATION).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    variables = _scalar_variables(schema._schema, operation)
    assert variables is not None

    fast = _coerce_scalars(variables, inputs)
    full = get_variable_values(schema._schema, operation.variable_definitions or (), inputs)

    if fast is not None:
        assert isinstance(full, VariableValues)
        assert fast.coerced == full.coerced
