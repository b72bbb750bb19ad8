"""Hypothesis strategies for hostile requests, each paired with the error code it must get.

Every family is a way an attacker (or a broken client) has probed the API: documents that do not
parse, do not validate or exceed a limit, variables of the wrong type, fragment bombs, forged
tokens, non-canonical IDs, malformed request bodies. The expected code comes from the family, not
from the server, so a regression that answers with another code (or none) fails.
"""

import base64
import json
import string
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, parse
from hypothesis import strategies as st

from graph.ids import decode_id

PAGE = "query ($first: Int!) { chapters(first: $first) { totalCount nodes { slug name } } }"
DOCUMENTS = (
    PAGE,
    "{ chapters(first: 2) { nodes { slug } pageInfo { hasNextPage } } }",
    "query Sectors { sectors { name } }",
    "{ engineers(first: 3) { edges { cursor node { handle name } } } }",
)
QUERY_FIELDS = frozenset(
    {
        "memberships", "chapters", "node", "nodes", "viewer", "engineer", "engineers",
        "institution", "institutions", "chapter", "sectors", "forumCategories", "forumCategory",
        "forumThreads", "forumThread",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Attack:
    """One hostile request: its JSON body and headers, and the code every error must carry."""

    family: str
    body: dict[str, Any]
    code: str
    headers: dict[str, str] = field(default_factory=dict)
    over_websocket: bool = True
    """Whether the same payload can be sent as a graphql-transport-ws `subscribe`."""
    closes_socket: bool = False
    """Whether graphql-transport-ws answers it by closing with 4400 (a document that does not
    parse, an operation it cannot identify) rather than with an `error` message."""

    def describe(self) -> str:
        """The attack in one line for a failure message (long documents shortened)."""
        text = json.dumps(self.body)
        return f"{self.family}: {text[:300]}{'…' if len(text) > 300 else ''}"


def _does_not_parse(text: str) -> bool:
    try:
        parse(text)
    except GraphQLError:
        return True
    return False


def _not_an_id(value: str) -> bool:
    try:
        decode_id(value)
    except Exception:
        return True
    return False


NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,11}", fullmatch=True)

truncated = st.builds(
    lambda document, cut: Attack(
        "truncated document", {"query": document[: max(1, cut % len(document))]},
        "GRAPHQL_PARSE_FAILED",
        closes_socket=True,
    ),
    st.sampled_from(DOCUMENTS),
    st.integers(min_value=1, max_value=200),
)  # fmt: skip

garbage = (
    st.text(alphabet=string.printable + "\x00é{}()[]$@!.…", min_size=1, max_size=120)
    .filter(lambda text: text.strip() != "" and _does_not_parse(text))
    .map(
        lambda text: Attack("garbage", {"query": text}, "GRAPHQL_PARSE_FAILED", closes_socket=True)
    )
)

unknown_field = NAMES.filter(lambda name: name not in QUERY_FIELDS).map(
    lambda name: Attack("unknown field", {"query": f"{{ {name} }}"}, "GRAPHQL_VALIDATION_FAILED")
)

_WRONG_LITERALS = st.one_of(
    st.text(max_size=10).map(json.dumps),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()).map(repr),
    st.sampled_from(["true", "false", "[1]", "{a: 1}", "ENUM_VALUE", '"""block"""']),
)
wrong_literal = _WRONG_LITERALS.map(
    lambda literal: Attack(
        "argument literal of the wrong type",
        {"query": f"{{ chapters(first: {literal}) {{ totalCount }} }}"},
        "GRAPHQL_VALIDATION_FAILED",
    )
)

_WRONG_VARIABLES = st.one_of(
    st.text(max_size=10),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.integers(max_value=0),
    st.integers(min_value=101),
    st.none(),
)
wrong_variable = _WRONG_VARIABLES.map(
    lambda value: Attack(
        "variable of the wrong type or range",
        {"query": PAGE, "variables": {"first": value}},
        "BAD_USER_INPUT",
    )
)

multiple_operations = st.lists(NAMES, min_size=2, max_size=5, unique=True).map(
    lambda names: Attack(
        "several operations, no operationName",
        {"query": " ".join(f"query {name} {{ __typename }}" for name in names)},
        "BAD_USER_INPUT",
    )
)

unknown_operation = (
    st.tuples(NAMES, NAMES)
    .filter(lambda pair: pair[0] != pair[1])
    .map(
        lambda pair: Attack(
            "operationName naming no operation",
            {"query": f"query {pair[0]} {{ __typename }}", "operationName": pair[1]},
            "BAD_USER_INPUT",
            closes_socket=True,
        )
    )
)

too_many_aliases = st.integers(min_value=16, max_value=60).map(
    lambda count: Attack(
        "too many aliases",
        {"query": "{ " + " ".join(f"a{index}: __typename" for index in range(count)) + " }"},
        "QUERY_TOO_COMPLEX",
    )
)

too_many_directives = st.integers(min_value=51, max_value=120).map(
    lambda count: Attack(
        "too many directives",
        {"query": "{ " + " ".join(["__typename @include(if: true)"] * count) + " }"},
        "QUERY_TOO_COMPLEX",
    )
)


def _nested(levels: int) -> str:
    inner = "handle"
    for _ in range(levels):
        inner = f"affiliations {{ engineer {{ {inner} }} }}"
    return f"{{ engineers(first: 1) {{ nodes {{ {inner} }} }} }}"


too_deep = st.integers(min_value=5, max_value=30).map(
    lambda levels: Attack("too deep", {"query": _nested(levels)}, "QUERY_TOO_COMPLEX")
)


def _chain(levels: int, operation: str) -> str:
    fragments = ["fragment F0 on Query { __typename }"] + [
        f"fragment F{level} on Query {{ ...F{level - 1} ...F{level - 1} }}"
        for level in range(1, levels + 1)
    ]
    return " ".join(fragments) + f" query {operation} {{ ...F{levels} }}"


# F0 selects one field, so F{n} expands to 2**n selections: from 13 levels on, over the 5,000 cap
fragment_bomb = st.tuples(st.integers(min_value=13, max_value=60), NAMES).map(
    lambda pair: Attack("doubling fragment chain", {"query": _chain(*pair)}, "QUERY_TOO_COMPLEX")
)

too_many_spreads = st.integers(min_value=201, max_value=600).map(
    lambda count: Attack(
        "too many fragment spreads",
        {"query": "fragment F on Query { __typename } { " + "...F " * count + "}"},
        "QUERY_TOO_COMPLEX",
    )
)

oversized = st.integers(min_value=15_001, max_value=60_000).map(
    lambda size: Attack(
        "document over the size limit",
        {"query": "{ __typename }\n#" + "x" * size},
        "QUERY_TOO_COMPLEX",
    )
)


def _noncanonical_ids() -> st.SearchStrategy[str]:
    digits = st.text(alphabet="0123456789١٢٣٤٥６７８", min_size=1, max_size=6)
    payloads = st.tuples(st.sampled_from(["Engineer", "Chapter", "Еngineer", ""]), digits).map(
        lambda pair: f"{pair[0]}:{pair[1]}"
    )
    encoded = st.tuples(payloads, st.booleans()).map(
        lambda pair: (
            base64.urlsafe_b64encode(pair[0].encode()).decode()
            if pair[1]
            else base64.urlsafe_b64encode(pair[0].encode()).decode().rstrip("=")
        )
    )
    return st.one_of(encoded, st.text(max_size=40)).filter(_not_an_id)


malformed_id = _noncanonical_ids().map(
    lambda value: Attack(
        "non-canonical global ID",
        {"query": "query ($id: ID!) { node(id: $id) { id } }", "variables": {"id": value}},
        "BAD_USER_INPUT",
    )
)

_SEGMENT = st.binary(min_size=0, max_size=40).map(
    lambda raw: base64.urlsafe_b64encode(raw).decode().rstrip("=")
)
_HEADERS = st.sampled_from(
    [
        {"alg": "none", "typ": "at+jwt", "kid": "k"},
        {"alg": "HS256", "typ": "at+jwt", "kid": "k"},
        {"alg": "RS256", "typ": "at+jwt"},
        {"alg": "EdDSA", "kid": "../../etc/passwd"},
    ]
).map(lambda header: base64.urlsafe_b64encode(json.dumps(header).encode()).decode().rstrip("="))
forged_token = st.one_of(
    st.tuples(_SEGMENT, _SEGMENT, _SEGMENT).map(".".join),
    st.tuples(_HEADERS, _SEGMENT, _SEGMENT).map(".".join),
    st.text(alphabet=string.ascii_letters + string.digits + "-_.", min_size=1, max_size=60),
).map(
    lambda token: Attack(
        "forged bearer token",
        {"query": "{ __typename }"},
        "UNAUTHENTICATED",
        headers={"Authorization": f"Bearer {token}"},
        over_websocket=False,
    )
)

malformed_body = st.one_of(
    st.one_of(st.integers(), st.lists(st.integers(), max_size=2), st.booleans()).map(
        lambda query: {"query": query}
    ),
    st.one_of(st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2)).map(
        lambda variables: {"query": "{ __typename }", "variables": variables}
    ),
    st.one_of(st.integers(), st.lists(st.text(max_size=3), max_size=2)).map(
        lambda name: {"query": "{ __typename }", "operationName": name}
    ),
).map(lambda body: Attack("malformed request body", body, "BAD_USER_INPUT", over_websocket=False))

FAMILIES: dict[str, st.SearchStrategy[Attack]] = {
    "truncated": truncated,
    "garbage": garbage,
    "unknown_field": unknown_field,
    "wrong_literal": wrong_literal,
    "wrong_variable": wrong_variable,
    "multiple_operations": multiple_operations,
    "unknown_operation": unknown_operation,
    "too_many_aliases": too_many_aliases,
    "too_many_directives": too_many_directives,
    "too_deep": too_deep,
    "fragment_bomb": fragment_bomb,
    "too_many_spreads": too_many_spreads,
    "oversized": oversized,
    "malformed_id": malformed_id,
    "forged_token": forged_token,
    "malformed_body": malformed_body,
}
