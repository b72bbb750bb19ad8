"""The mapping mirrors the resolvers as they are: a changed resolver must be revisited."""

from graph.compiler.mapping import LISTS, LOOKUPS, ROOT_CONNECTIONS, TYPES
from graph.compiler.mirrors import (
    MIRRORED,
    MIRRORED_HELPERS,
    MIRRORED_NODE_FETCHERS,
    fetcher_digest,
    helper_digest,
    resolver_digest,
)
from graph.schema import schema

ROOTS = (*LOOKUPS, *ROOT_CONNECTIONS, *LISTS, "node", "nodes")


def test_every_mapped_resolver_is_recorded_as_it_is_now() -> None:
    graphql_schema = schema._schema
    current = {}
    for type_name, mapping in TYPES.items():
        graphql_type = graphql_schema.get_type(type_name)
        for field_name in mapping.fields:
            digest = resolver_digest(graphql_type.fields[field_name])  # type: ignore[union-attr]
            if digest is not None:
                current[f"{type_name}.{field_name}"] = digest
    assert graphql_schema.query_type is not None
    for field_name in ROOTS:
        digest = resolver_digest(graphql_schema.query_type.fields[field_name])
        assert digest is not None
        current[f"Query.{field_name}"] = digest

    stale = {name for name, digest in current.items() if MIRRORED.get(name) != digest}
    assert not stale, f"resolvers changed since the mapping mirrored them: {sorted(stale)}"


def test_every_mirrored_helper_is_recorded_as_it_is_now() -> None:
    stale = {name for name, digest in MIRRORED_HELPERS.items() if helper_digest(name) != digest}
    assert not stale, f"helpers changed since the mapping mirrored them: {sorted(stale)}"


def test_every_node_fetcher_is_recorded_as_it_is_now() -> None:
    stale = {
        name for name, digest in MIRRORED_NODE_FETCHERS.items() if fetcher_digest(name) != digest
    }
    assert not stale, f"node fetchers changed since the mapping mirrored them: {sorted(stale)}"
