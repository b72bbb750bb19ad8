"""Guard against drift: a mapped field whose strawberry resolver changed is no longer compiled.

Strawberry stays the source of truth. Where the mapping mirrors a Python resolver (a
relation, a connection, a root field, a derived value), it records a digest of that
resolver's source as it was when the mapping was written. If the resolver changes — a new
visibility mask, a different filter — the digest no longer matches, the planner treats the
field as Python-only and strawberry answers it, and tests/compiler/test_mirrors.py names the
mapping to revisit. Plain fields must stay plain: a field that gains a resolver falls back too.
"""

import hashlib
import inspect

from graphql import GraphQLField

MIRRORED: dict[str, str] = {
    "Affiliation.engineer": "d9cfb4bfd9affa4a",
    "Affiliation.institution": "7aa2f324192f14ee",
    "Chapter.members": "8852b9a16711dec6",
    "Engineer.affiliations": "a9baa067283379db",
    "Engineer.chapters": "1baa299a217ed410",
    "Engineer.education": "d4eaaeb5a16cc9a7",
    "Engineer.isPecVerified": "4c2391184ffd31d9",
    "Engineer.memberships": "15288413f8ac554e",
    "Engineer.positions": "b698f10031518462",
    "Engineer.sectors": "877df4d74d4b44af",
    "Engineer.skills": "728508fee34aa1d1",
    "Institution.staff": "f3f4a2b5c1680072",
    "Membership.chapter": "a4dd1f444b5d7161",
    "Membership.engineer": "b96a0cff81f0450b",
    "Query.chapter": "a15af635aed4913f",
    "Query.chapters": "e7397b5c98bd5461",
    "Query.engineer": "025157cd35a07a23",
    "Query.engineers": "ee4db085e813e740",
    "Query.institution": "e518aa68fce24bda",
    "Query.institutions": "23f8b5dbb488a0ec",
    "Query.node": "9139e13de7c531cb",
    "Query.nodes": "21f012da887cbc9b",
    "Query.sectors": "aaca1555ba514901",
    "Sector.skills": "aeeada84e622cbeb",
    "Skill.sector": "dbec674081f32aff",
}
"""Resolver source digests the mapping mirrors, by `Type.field`."""


def resolver_digest(field: GraphQLField) -> str | None:
    """Digest of the field's strawberry resolver source; None for a plain attribute field."""
    definition = (field.extensions or {}).get("strawberry-definition")
    resolver = getattr(definition, "base_resolver", None)
    if resolver is None:
        return None
    source = inspect.getsource(resolver.wrapped_func)
    return hashlib.sha256(source.encode()).hexdigest()[:16]


_VERDICTS: dict[tuple[str, str, int], bool] = {}


def is_current(type_name: str, field_name: str, field: GraphQLField) -> bool:
    """Whether the mapping of `type_name.field_name` still mirrors strawberry's resolver."""
    key = (type_name, field_name, id(field))
    verdict = _VERDICTS.get(key)
    if verdict is None:
        digest = resolver_digest(field)
        verdict = digest is None or MIRRORED.get(f"{type_name}.{field_name}") == digest
        _VERDICTS[key] = verdict
    return verdict
