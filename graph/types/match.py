"""Match types: contributors ranked for an opportunity, with score, factors and a sentence."""

import base64
import binascii
import json
from decimal import Decimal, InvalidOperation
from typing import Any

import strawberry

from db.queries.matching import Match
from graph.errors import BadUserInput
from graph.types.connection import PageInfo
from graph.types.engineer import Engineer


@strawberry.type(description="One factor of a match score: its weight, value and contribution.")
class MatchFactor:
    """A weighted factor."""

    name: str = strawberry.field(
        description="sectorOverlap, skillOverlap, disciplines, capacityLeft, timezoneOverlap, "
        "sharedLanguage, chapter or pastFeedback."
    )
    weight: float = strawberry.field(description="The factor's weight (weights sum to 1).")
    value: float = strawberry.field(description="The factor's value, 0 to 1.")
    contribution: float = strawberry.field(description="weight × value: its part of the score.")


@strawberry.type(description="A contributor ranked for an opportunity.")
class ContributorMatchEdge:
    """One ranked contributor with the reasons."""

    cursor: str = strawberry.field(description="Opaque cursor; pass it to `after`.")
    score: float = strawberry.field(description="Match score, 0 to 1 (sum of contributions).")
    explanation: str = strawberry.field(description="The match in one human sentence.")
    factors: list[MatchFactor] = strawberry.field(description="Each factor of the score.")
    node: Engineer = strawberry.field(description="The contributor.")


@strawberry.type(
    description="Contributors ranked for an opportunity, best first, keyset-paged over (score, id)."
)
class ContributorMatchConnection:
    """A page of matches."""

    edges: list[ContributorMatchEdge] = strawberry.field(description="The ranked contributors.")
    page_info: PageInfo = strawberry.field(description="Paging state of this page.")


def encode_cursor(match: Match) -> str:
    """An opaque cursor for a (score, id) position."""
    raw = json.dumps([str(match.score), match.id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str | None) -> tuple[Decimal, int] | None:
    """The (score, id) position of a cursor; BAD_USER_INPUT when it is not one of ours."""
    if cursor is None:
        return None
    try:
        score, key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return Decimal(score), int(key)
    except (ValueError, TypeError, InvalidOperation, binascii.Error):
        raise BadUserInput("`after` is not a match cursor.") from None


def factor(entry: dict[str, Any]) -> MatchFactor:
    """A factor from the statement's JSON."""
    return MatchFactor(
        name=str(entry["factor"]),
        weight=float(entry["weight"]),
        value=float(entry["value"]),
        contribution=float(entry["contribution"]),
    )
