"""Hall of Fame types: yearly rounds, nominations with their citation and evidence."""

from datetime import datetime

import strawberry

from db import models
from db.enums import EvidenceKind, HallOfFameRoundStatus, NominationStatus
from graph.context import Info
from graph.ids import encode_id
from graph.services.hall_of_fame_errors import HallOfFameErrorCode
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.engagement import Engagement, LedgerEntry
from graph.types.engineer import Engineer
from graph.types.enums import describe_enum
from graph.types.event import Event
from graph.types.forum import ForumPost
from graph.types.node import Node
from graph.types.sql_only import unserved

describe_enum(
    HallOfFameRoundStatus,
    "Whether a Hall of Fame round takes nominations and votes.",
    {
        "OPEN": "Nominations and council votes are taken.",
        "CLOSED": "Decided: its nominations were inducted or not when it closed.",
    },
)
describe_enum(
    NominationStatus,
    "Where a Hall of Fame nomination stands.",
    {
        "UNDER_REVIEW": "The council is voting; decided when the round closes.",
        "INDUCTED": "Reached quorum with a majority in favour: in the Hall of Fame.",
        "NOT_INDUCTED": "The round closed without quorum or without a majority in favour.",
    },
)
describe_enum(
    EvidenceKind,
    "What a piece of evidence in a citation is.",
    {
        "LEDGER_ENTRY": "Countersigned work in the nominee's contribution ledger.",
        "ENGAGEMENT": "An engagement the nominee contributed to.",
        "EVENT_SPOKEN_AT": "A chapter event the nominee spoke at.",
        "ACCEPTED_ANSWER": "A forum answer by the nominee that was accepted.",
    },
)
describe_enum(
    HallOfFameErrorCode,
    "Why a Hall of Fame mutation was refused.",
    {
        "INVALID_ID": "An ID is malformed or of the wrong type.",
        "NOT_FOUND": "No such engineer, nomination or round (that you may see).",
        "SELF_NOMINATION": "You cannot nominate yourself.",
        "DUPLICATE_NOMINATION": "You already nominated this engineer in this round.",
        "ALREADY_INDUCTED": "The engineer is already in the Hall of Fame.",
        "NO_OPEN_ROUND": "No round takes nominations now.",
        "INVALID_CITATION": "The citation is too short or too long.",
        "EVIDENCE_REQUIRED": "A citation links at least one piece of evidence.",
        "TOO_MUCH_EVIDENCE": "A citation links at most 20 pieces of evidence.",
        "DUPLICATE_EVIDENCE": "The same evidence is linked twice.",
        "EVIDENCE_NOT_FOUND": "No such evidence that you may see.",
        "EVIDENCE_NOT_NOMINEES": "The evidence is not the nominee's own work (their ledger "
        "entry, an engagement they contributed to, an event they spoke at, an accepted answer "
        "of theirs).",
        "NOT_COUNCIL": "Only the council (council admins) may do this.",
        "CONFLICT_OF_INTEREST": "Council members do not vote on nominations they made or that "
        "name them.",
        "ALREADY_VOTED": "You already voted on this nomination.",
        "ROUND_CLOSED": "The round is closed: no more votes, already decided.",
        "ROUND_EXISTS": "That year already has a round.",
        "ROUND_ALREADY_OPEN": "Another round is open; close it first.",
        "INVALID_YEAR": "The year is out of range (2000–2200).",
    },
)

HALL_OF_FAME_RULES = (
    "A nomination is inducted when its round closes if at least the configured quorum of "
    "council members voted and more than the configured share voted in favour "
    "(contributions_config/hall_of_fame.toml)."
)


@strawberry.input(description="Which inductees the Hall of Fame lists.")
class HallOfFameFilter:
    """A year, a sector, a chapter."""

    year: int | None = strawberry.field(default=None, description="Only this year's round.")
    sector: str | None = strawberry.field(
        default=None, description="Only engineers working in this sector (slug)."
    )
    chapter: str | None = strawberry.field(
        default=None, description="Only active members of this chapter (slug)."
    )


@strawberry.input(description="Which nominations a list shows.")
class NominationFilter:
    """A year, a sector, a chapter, statuses."""

    year: int | None = strawberry.field(default=None, description="Only this year's round.")
    sector: str | None = strawberry.field(
        default=None, description="Only nominees working in this sector (slug)."
    )
    chapter: str | None = strawberry.field(
        default=None, description="Only nominees who are active members of this chapter (slug)."
    )
    statuses: list[NominationStatus] | None = strawberry.field(
        default=None, description="Only nominations in these states."
    )


@strawberry.type(description="One year's Hall of Fame round. " + HALL_OF_FAME_RULES)
class HallOfFameRound(Node):
    """A round."""

    year: int = strawberry.field(description="The year the round is for.")
    status: HallOfFameRoundStatus = strawberry.field(description="Open or closed.")
    opened_at: datetime = strawberry.field(description="When the council opened it.")
    closed_at: datetime | None = strawberry.field(
        description="When the council closed it (and its nominations were decided)."
    )

    @classmethod
    def from_model(cls, row: models.HallOfFameRound) -> "HallOfFameRound":
        """Build from a hall_of_fame_rounds row."""
        return cls(
            id=strawberry.ID(encode_id("HallOfFameRound", row.id)),
            year=row.year,
            status=HallOfFameRoundStatus(row.status),
            opened_at=row.opened_at,
            closed_at=row.closed_at,
        )


# HallOfFameEvidence and HallOfFameNomination keep their resolvers: strawberry still resolves them
# when `node`/`nodes` selects several types (`... on HallOfFameNomination` beside `... on
# HallOfFameRound`): the `... on T` lookup graph.compiler.objects builds for such an object fails
# validation (a fragment on another type cannot be spread inside it), so the object is not handed to
# the compiled path (tests/auth/test_hall_of_fame_access.py).


@strawberry.type(
    description="One piece of evidence a citation links: exactly one of its fields is set. "
    "Listed only where the viewer may see the item itself (its own read rule)."
)
class HallOfFameEvidence:
    """An evidence item."""

    kind: EvidenceKind = strawberry.field(description="What the evidence is.")
    ledger_pk: strawberry.Private[int | None]
    engagement_pk: strawberry.Private[int | None]
    event_pk: strawberry.Private[int | None]
    post_pk: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.HallOfFameEvidence) -> "HallOfFameEvidence":
        """Build from a hall_of_fame_evidence row (the caller applied its rule)."""
        return cls(
            kind=EvidenceKind(row.kind),
            ledger_pk=row.ledger_entry_id,
            engagement_pk=row.engagement_id,
            event_pk=row.event_id,
            post_pk=row.forum_post_id,
        )

    @strawberry.field(description="The nominee's ledger entry, for LEDGER_ENTRY evidence.")
    def ledger_entry(self, info: Info) -> LedgerEntry | None:
        """Loaded by id, batched."""
        raise unserved()

    @strawberry.field(description="The engagement, for ENGAGEMENT evidence.")
    def engagement(self, info: Info) -> Engagement | None:
        """Loaded by id, batched."""
        raise unserved()

    @strawberry.field(description="The event spoken at, for EVENT_SPOKEN_AT evidence.")
    def event(self, info: Info) -> Event | None:
        """Loaded by id, batched."""
        raise unserved()

    @strawberry.field(description="The accepted answer, for ACCEPTED_ANSWER evidence.")
    def forum_post(self, info: Info) -> ForumPost | None:
        """Loaded by id, batched."""
        raise unserved()


@strawberry.type(
    description="A nomination to the Hall of Fame: an engineer, the citation and its evidence. "
    "Inducted nominations are public; the others show only to the council (council admins) "
    "and to their nominator. " + HALL_OF_FAME_RULES
)
class HallOfFameNomination(Node):
    """A nomination."""

    pk: strawberry.Private[int]
    nominee_pk: strawberry.Private[int]
    nominator_pk: strawberry.Private[int | None]
    round_pk: strawberry.Private[int]
    year: int = strawberry.field(description="The year of the round it belongs to.")
    citation: str = strawberry.field(description="Why the nominee deserves it.")
    status: NominationStatus = strawberry.field(description="Where it stands.")
    created_at: datetime = strawberry.field(description="When it was made.")
    decided_at: datetime | None = strawberry.field(
        description="When its round closed and decided it; null while under review."
    )

    @classmethod
    def from_model(cls, row: models.HallOfFameNomination) -> "HallOfFameNomination":
        """Build from a hall_of_fame_nominations row (the caller checked it may be seen)."""
        return cls(
            id=strawberry.ID(encode_id("HallOfFameNomination", row.id)),
            pk=row.id,
            nominee_pk=row.nominee_id,
            nominator_pk=row.nominator_id,
            round_pk=row.round_id,
            year=row.year,
            citation=row.citation,
            status=NominationStatus(row.status),
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    @strawberry.field(description="The engineer nominated.")
    def nominee(self) -> Engineer:
        """Compiled: graph/reads/hall_of_fame.py."""
        raise unserved()

    @strawberry.field(description="Who nominated them; null once their account is gone.")
    def nominator(self) -> Engineer | None:
        """Compiled: graph/reads/hall_of_fame.py."""
        raise unserved()

    @strawberry.field(description="The round it belongs to.")
    def round(self) -> HallOfFameRound:
        """Compiled: graph/reads/hall_of_fame.py."""
        raise unserved()

    @strawberry.field(
        description="The evidence the citation links, in the nominator's order: each item only "
        "where you may see the item itself (a private engagement shows to its parties and "
        "council admins, a members-only event to the chapter's members, a forum answer to "
        "readers of its thread)."
    )
    def evidence(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[HallOfFameEvidence]:
        """Compiled: graph/reads/hall_of_fame.py."""
        raise unserved()


    @strawberry.field(description="Council votes in favour; null for everyone but the council.")
    def votes_in_favour(self) -> int | None:
        """Compiled: graph/reads/hall_of_fame.py."""
        raise unserved()

    @strawberry.field(description="Council votes against; null for everyone but the council.")
    def votes_against(self) -> int | None:
        """Compiled: graph/reads/hall_of_fame.py."""
        raise unserved()

    @strawberry.field(
        description="Your own vote (true: in favour), if you are on the council and voted."
    )
    def viewer_vote(self) -> bool | None:
        """Compiled: graph/reads/hall_of_fame.py."""
        raise unserved()
