"""Global IDs: one canonical ID per object, and nothing else decodes."""

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.errors import BadUserInput
from graph.ids import MAX_PRIMARY_KEY, decode_id, encode_id

TYPE_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,30}", fullmatch=True)
KEYS = st.integers(min_value=1, max_value=MAX_PRIMARY_KEY)


@given(TYPE_NAMES, KEYS)
def test_every_object_id_decodes_to_its_object(type_name: str, key: int) -> None:
    assert decode_id(encode_id(type_name, key)) == (type_name, key)


@settings(max_examples=2000)
@given(st.text(max_size=80))
def test_nothing_but_a_canonical_id_decodes(value: str) -> None:
    # Given any string at all
    try:
        decoded = decode_id(value)
    except BadUserInput:
        return
    # Then if it decodes, it is exactly the one ID of what it names
    assert encode_id(*decoded) == value


@settings(max_examples=2000)
@given(st.binary(max_size=40))
def test_no_other_spelling_of_a_payload_decodes(raw: bytes) -> None:
    # Given any payload, base64url-encoded with and without padding
    for value in (
        base64.urlsafe_b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    ):
        try:
            decoded = decode_id(value)
        except BadUserInput:
            continue
        # Then only the canonical, unpadded spelling of "<Type>:<digits>" is accepted
        assert encode_id(*decoded) == value


def _raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "spelling",
    [
        "Engineer:\u0661",  # Arabic-Indic one
        "Engineer:\uff11",  # full-width one
        "Engineer:01",  # leading zero
        "Engineer:+1",
        "Engineer: 1",
        "Engineer:1\n",
        "Engin\u0435er:1",  # a Cyrillic e
        "Engineer:0",
        f"Engineer:{MAX_PRIMARY_KEY + 1}",
    ],
)
def test_other_spellings_of_engineer_one_are_malformed(spelling: str) -> None:
    with pytest.raises(BadUserInput, match="Malformed ID"):
        decode_id(_raw(spelling))


def test_a_padded_id_is_not_a_second_id_of_the_same_object() -> None:
    canonical = encode_id("Engineer", 1)
    assert decode_id(canonical) == ("Engineer", 1)
    with pytest.raises(BadUserInput):
        decode_id(canonical + "=" * (-len(canonical) % 4 or 4))
