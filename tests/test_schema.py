"""The committed schema.graphql equals what the code builds, and everything is described."""

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    build_schema,
)

from graph.federation import public_sdl
from graph.schema import schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema.graphql"
SUBGRAPH_FILE = ROOT / "schema.federation.graphql"


def test_committed_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text() == public_sdl(schema.as_str()) + "\n", (
        "schema.graphql is stale: run `braingain schema export -o schema.graphql`"
    )


def test_committed_subgraph_schema_is_current() -> None:
    assert SUBGRAPH_FILE.read_text() == schema.as_str() + "\n", (
        "schema.federation.graphql is stale: run "
        "`braingain schema export --federation -o schema.federation.graphql`"
    )


def test_the_public_schema_loads_in_plain_graphql_tools() -> None:
    # graphql-js/graphql-core's buildSchema, as Relay and codegen tools load it
    built = build_schema(SCHEMA_FILE.read_text())
    assert built.query_type is not None
    assert "engineers" in built.query_type.fields


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    missing: list[str] = []
    for name, type_ in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not getattr(type_, "description", None):
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for argument_name, argument in field.args.items():
                    if not argument.description:
                        missing.append(f"{name}.{field_name}({argument_name})")
        elif isinstance(type_, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in type_.fields.items() if not field.description]
        elif isinstance(type_, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in type_.values.items() if not value.description]
    assert missing == []
