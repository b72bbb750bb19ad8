"""Relay pagination arguments: validation and opaque keyset cursors."""

import base64
import binascii
import json
from typing import Any

import orjson

from db.queries.pagination import KeyValue, Ordering
from graph.errors import BadUserInput

MAX_PAGE_SIZE = 100


def decode_cursor(cursor: str, ordering: Ordering, model: Any) -> tuple[KeyValue, ...]:
    """The sort key inside `cursor`; BadUserInput if it is not a cursor of this list's order."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, values = orjson.loads(raw)
        if name != ordering.name or not isinstance(values, list):
            raise ValueError("cursor belongs to another ordering")
        return ordering.parse_key(model, values)
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise BadUserInput(
            f"Invalid cursor {cursor[:80]!r}: use a cursor returned by this list in this order."
        ) from None


def validate_page_size(
    first: Any, last: Any, after: Any = None, before: Any = None
) -> tuple[int, bool]:
    """Check the Relay arguments' combination and range; return (size, backward)."""
    if first is None and last is None:
        raise BadUserInput(
            f"Pass `first` or `last` (1–{MAX_PAGE_SIZE}) to page through this list.",
            argument="first",
        )
    if first is not None and last is not None:
        raise BadUserInput("Pass either `first` or `last`, not both.", argument="last")
    if first is not None and before is not None:
        raise BadUserInput("`before` pages backward: use it with `last`.", argument="before")
    if last is not None and after is not None:
        raise BadUserInput("`after` pages forward: use it with `first`.", argument="after")
    name, size = ("first", first) if first is not None else ("last", last)
    if not isinstance(size, int) or isinstance(size, bool):
        raise BadUserInput(
            f"`{name}` must be an Int between 1 and {MAX_PAGE_SIZE}; got {_json_kind(size)} "
            f"{_shown(size)}.",
            argument=name,
            minimum=1,
            maximum=MAX_PAGE_SIZE,
        )
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadUserInput(
            f"`{name}` must be between 1 and {MAX_PAGE_SIZE}, got {size}.",
            argument=name,
            minimum=1,
            maximum=MAX_PAGE_SIZE,
        )
    return size, last is not None


def _json_kind(value: Any) -> str:
    """What a JSON value is, in GraphQL's words, for a message: "a String", "a Float"…"""
    kinds = {
        str: "a String",
        bool: "a Boolean",
        float: "a Float",
        list: "a List",
        dict: "an Object",
    }
    return kinds.get(type(value), "a value")


def _shown(value: Any) -> str:
    """The value as a client wrote it, cut short."""
    shown = json.dumps(value, default=str)
    return shown if len(shown) <= 40 else shown[:37] + "..."
