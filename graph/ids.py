"""Opaque global object IDs: base64url of "<TypeName>:<primary key>".

One object has exactly one ID: a value decodes only if it is the canonical encoding of what it
decodes to (ASCII type name and digits, no leading zeros, no padding, no stray bits), so
`Engineer:` followed by an Arabic-Indic digit, or `Engineer:01`, name nothing.
"""

import base64
import binascii
import re
from typing import NamedTuple

from graph.errors import BadUserInput

MAX_PRIMARY_KEY = 2**31 - 1
_DECODED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):([1-9][0-9]*)")


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
    match = _DECODED.fullmatch(raw)
    if match is None or int(match[2]) > MAX_PRIMARY_KEY:
        raise BadUserInput(f"Malformed ID {value!r}: not a global object ID.")
    decoded = GlobalId(match[1], int(match[2]))
    if encode_id(*decoded) != value:  # padding, stray bits: not the one canonical spelling
        raise BadUserInput(f"Malformed ID {value!r}: not a global object ID.")
    return decoded


def decode_id_of(value: str, expected: str) -> int:
    """Decode a global ID that must name an object of type `expected`; return its key."""
    global_id = decode_id(value)
    if global_id.type_name != expected:
        raise BadUserInput(
            f"ID {value!r} is a {global_id.type_name}, expected a {expected}.",
            expected=expected,
        )
    return global_id.key
