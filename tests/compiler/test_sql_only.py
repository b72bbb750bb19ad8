"""A node type's fields have no read resolvers: the declaration (graph/reads/) is their only reader.

Every object of a type `node(id:)` serves is completed by SQL wherever strawberry's executor
meets it (graph.subscriptions.execution). A field of such a type is therefore either a plain
attribute, a declared Python field (its resolver runs for the rows that reach it), or a
schema-only declaration (graph.types.sql_only) that raises if strawberry ever asks it.
"""

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType
from sqlalchemy.ext.asyncio import AsyncSession

from graph.compiler.mapping import TYPES, Python
from graph.ids import encode_id
from graph.schema import schema
from graph.types import sql_only
from tests import factories, viewers
from tests.conftest import GraphQLClient


def _raises_unserved(function: Callable[..., Any]) -> bool:
    """Whether the function's body is only `raise unserved()` (after a docstring)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    definition = tree.body[0]
    assert isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef)
    body = definition.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise):
        return False
    call = body[0].exc
    if not isinstance(call, ast.Call):
        return False
    named = call.func.id if isinstance(call.func, ast.Name) else None
    if isinstance(call.func, ast.Attribute):
        named = call.func.attr
    return named == sql_only.unserved.__name__


def _read_resolvers() -> list[str]:
    """`Type.field` for every field of a declared type strawberry could still resolve itself:
    node types, the viewer, and objects only reached below them (an event's speakers, a
    nomination's evidence)."""
    found = []
    for type_name in sorted(TYPES):
        graphql_type = schema._schema.type_map.get(type_name)
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        declared = TYPES[type_name].fields
        for name, field in graphql_type.fields.items():
            resolver = field.extensions["strawberry-definition"].base_resolver
            if resolver is None or isinstance(declared.get(name), Python):
                continue
            function = resolver.wrapped_func
            if function is sql_only._unserved or _raises_unserved(function):
                continue
            found.append(f"{type_name}.{name}")
    return found


def test_no_declared_types_field_has_a_read_resolver() -> None:
    # Given every declared type of the schema, Then none of its fields is read by a resolver of
    # its own: a plain attribute, a declared Python field, or answered by SQL only
    assert _read_resolvers() == []


def test_the_check_sees_a_resolver_that_reads() -> None:
    # Given a resolver with a body of its own, and one that only raises
    async def reads(self: Any) -> int:
        """Compiled elsewhere."""
        return 1

    def declared(self: Any, first: int | None = None) -> int:
        """Compiled: graph/reads/forum.py."""
        raise sql_only.unserved()

    # Then only the second counts as answered by SQL alone
    assert not _raises_unserved(reads)
    assert _raises_unserved(declared)


ROOTS_WITH_RESOLVERS = {"viewer", "node", "nodes", "_entities", "stats", "_service"}
"""Root fields strawberry resolves: the viewer and references by ID (Python fields run on
them), the statistics (figures from configuration), and federation's SDL."""


def test_no_root_field_reads_by_a_resolver_of_its_own() -> None:
    # Given the root query type, Then every field but the few named is answered by SQL only
    query = schema._schema.query_type
    assert query is not None
    resolved = set()
    for name, field in query.fields.items():
        resolver = field.extensions["strawberry-definition"].base_resolver
        if resolver is not None and not _raises_unserved(resolver.wrapped_func):
            resolved.add(name)
    assert resolved == ROOTS_WITH_RESOLVERS


async def test_strawberry_reads_a_node_types_fields_through_the_compiled_path(
    sessionmaker: Any, session: AsyncSession, registry: Any
) -> None:
    # Given a chapter with a member, and a newcomer joining it through strawberry's executor
    # (the mutation executor off, as with BRAINGAIN_COMPILED_MUTATIONS=0)
    chapter = await factories.chapter(session, "gulf-uae")
    engineer = await factories.engineer(session)
    await factories.membership(session, engineer, chapter)
    newcomer = await factories.engineer(session)
    plain = GraphQLClient(sessionmaker, session, registry, compiled_mutations=False)
    document = """
    mutation ($input: ChapterMembershipInput!) {
      chapterJoin(input: $input) {
        membership {
          chapter { slug members(first: 5) { totalCount nodes { engineer { handle } } } }
        }
      }
    }
    """
    variables = {"input": {"chapter": encode_id("Chapter", chapter.id)}}

    # When the newcomer joins and reads the chapter's members in the payload
    result = await plain.execute(
        document, variables, await viewers.engineer(session, registry, newcomer)
    )

    # Then the chapter's fields come from SQL (no resolver of theirs ran), correct and error-free
    assert result.errors is None, result.errors
    members = result.data["chapterJoin"]["membership"]["chapter"]["members"]
    assert result.data["chapterJoin"]["membership"]["chapter"]["slug"] == "gulf-uae"
    assert members["totalCount"] == 2
    assert sorted(node["engineer"]["handle"] for node in members["nodes"]) == sorted(
        [engineer.handle, newcomer.handle]
    )


def test_every_field_of_a_declared_type_is_in_its_declaration() -> None:
    # Given every declared type, Then each of its schema fields is declared (column, relation,
    # connection or Python field): the planner never meets a field it must leave to a resolver
    # that is no longer there
    missing = [
        f"{type_name}.{name}"
        for type_name, mapping in TYPES.items()
        if isinstance(graphql_type := schema._schema.type_map.get(type_name), GraphQLObjectType)
        for name in graphql_type.fields
        if name not in mapping.fields
    ]
    assert missing == []
