"""Opaque global object IDs: base64url of "<TypeName>:<primary key>"."""

import base64
import binascii
from typing import NamedTuple

from graph.errors import BadUserInput

MAX_PRIMARY_KEY = 2**31 - 1


class GlobalId(NamedTuple):
    """A decoded global ID."""

    type_name: str
    key: int


def encode_id(type_name: str, key: int) -> str:
    """The opaque ID clients see for the object `type_name` with primary key `key`."""
    raw = f"{type_name}:{key}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_id(value: str) -> GlobalId:
    """Decode a global ID, raising BadUserInput when it is not one of ours."""
    if not value or len(value) > 64:
        raise BadUserInput(f"Malformed ID {value[:64]!r}: not a global object ID.")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(f"Malformed ID {value!r}: not a global object ID.") from None
    type_name, _, key = raw.partition(":")
    if not type_name.isidentifier() or not key.isdigit() or not 0 < int(key) <= MAX_PRIMARY_KEY:
        raise BadUserInput(f"Malformed ID {value!r}: not a global object ID.")
    return GlobalId(type_name, int(key))


def decode_id_of(value: str, expected: str) -> int:
    """Decode a global ID that must name an object of type `expected`; return its key."""
    global_id = decode_id(value)
    if global_id.type_name != expected:
        raise BadUserInput(
            f"ID {value!r} is a {global_id.type_name}, expected a {expected}.",
            expected=expected,
        )
    return global_id.key
