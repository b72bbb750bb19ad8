"""Panel types: advisory and curriculum-review panels, candidacies, members and meetings."""

from datetime import date, datetime

import strawberry

from db import models
from db.enums import (
    CandidacySource,
    CandidacyStatus,
    PanelKind,
    PanelMembershipStatus,
    PanelStatus,
)
from graph.ids import encode_id
from graph.services.panel import PanelErrorCode
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.engineer import Engineer
from graph.types.enums import describe_enum
from graph.types.institution import Institution
from graph.types.node import Node
from graph.types.sql_only import sql_field, unserved

STAFF = "the institution's staff (engineers affiliated with it) and its own client"

describe_enum(
    PanelKind,
    "What a panel is for.",
    {
        "ADVISORY": "Advises the institution (a public body, a startup, a faculty).",
        "CURRICULUM_REVIEW": "Reviews a department's curriculum.",
    },
)
describe_enum(
    PanelStatus,
    "Whether a panel takes candidates.",
    {
        "OPEN": "Taking nominations and applications.",
        "CLOSED": "No new candidates (the staff may still appoint pending ones).",
    },
)
describe_enum(
    CandidacySource,
    "How someone became a candidate.",
    {"NOMINATED": "Another engineer nominated them.", "APPLIED": "They applied themselves."},
)
describe_enum(
    CandidacyStatus,
    "Lifecycle of a candidacy.",
    {
        "NOMINATED": "Nominated; awaiting the nominee's acceptance.",
        "PENDING": "Standing; awaiting the staff's decision.",
        "APPOINTED": "Appointed to a seat.",
        "WITHDRAWN": "Withdrawn by the candidate (or the nomination declined).",
    },
)
describe_enum(
    PanelMembershipStatus,
    "Where a member's term stands, read from the dates (never stored).",
    {
        "UPCOMING": "Appointed; the term has not started.",
        "ACTIVE": "Serving: the term has started and not ended.",
        "ENDED": "After the end date, or ended early (resigned or removed).",
    },
)
describe_enum(
    PanelErrorCode,
    "Why a panel mutation was refused.",
    {
        "NOT_FOUND": "No such panel, institution, engineer, candidacy or membership of yours.",
        "NOT_STAFF": "Only the institution's staff may do this.",
        "NOT_CANDIDATE": "The candidacy is not standing (withdrawn).",
        "NOT_MEMBER": "Not a member of this panel.",
        "PANEL_CLOSED": "The panel takes no more candidates.",
        "ALREADY_CLOSED": "The panel is already closed.",
        "ALREADY_CANDIDATE": "Already a standing candidate for this panel.",
        "ALREADY_MEMBER": "Already appointed to this panel.",
        "ALREADY_ENDED": "The membership has already ended.",
        "SELF_NOMINATION": "Nobody nominates themselves: apply instead.",
        "NOT_ACCEPTED": "The nominee has not accepted the nomination yet.",
        "CANNOT_ACCEPT": "Only a NOMINATED candidacy can be accepted.",
        "CANNOT_WITHDRAW": "Only a NOMINATED or PENDING candidacy can be withdrawn.",
        "SEATS_FULL": "Every seat is taken.",
        "TERM_OVER": "The panel's term is over.",
        "NOT_ATTENDEE": "An attendee is not a member of this panel on the meeting's date.",
        "INVALID_NAME": "A name has 1–200 characters.",
        "INVALID_PURPOSE": "A purpose has 1–5,000 characters.",
        "INVALID_SEATS": "A panel has 1–50 seats.",
        "INVALID_TERM": "The term ends after it starts, not in the past, within ten years.",
        "INVALID_STATEMENT": "A statement has at most 5,000 characters.",
        "INVALID_MEETING": "Title, length (1–1,440 minutes), date (not in the future), notes "
        "(at most 20,000 characters) or attendees (at least one) are invalid.",
    },
)


# PanelMembership, PanelCandidacy and PanelMeeting keep their resolvers: strawberry still resolves
# them when `node`/`nodes` selects several types (`... on PanelCandidacy` beside `... on
# PanelMeeting`): the `... on T` lookup graph.compiler.objects builds for such an object fails
# validation (a fragment on another type cannot be spread inside it), so the object is not handed to
# the compiled path (tests/graph/test_panels.py, PANEL_PARTS).


@strawberry.type(
    description="An appointed member's seat on a panel for a term. Public. Each seat is an "
    "engagement of the panel's kind, and the meetings a member attends are its sessions in "
    "the contribution ledger."
)
class PanelMembership(Node):
    """A seat."""

    pk: strawberry.Private[int]
    panel_pk: strawberry.Private[int]
    member_pk: strawberry.Private[int]
    term_starts_on: date = strawberry.field(description="First day of the member's term.")
    term_ends_on: date = strawberry.field(description="Last day of the member's term.")
    ended_on: date | None = strawberry.field(
        description="When the seat ended early (resigned or removed); null otherwise."
    )

    @classmethod
    def from_model(cls, row: models.PanelMembership) -> "PanelMembership":
        """Build from a panel_memberships row."""
        return cls(
            id=strawberry.ID(encode_id("PanelMembership", row.id)),
            pk=row.id,
            panel_pk=row.panel_id,
            member_pk=row.member_id,
            term_starts_on=row.term_starts_on,
            term_ends_on=row.term_ends_on,
            ended_on=row.ended_on,
        )

    @strawberry.field(
        description="UPCOMING, ACTIVE, or ENDED (after `termEndsOn`, or once ended early), "
        "read from today's date (UTC)."
    )
    def status(self) -> PanelMembershipStatus:
        """Compiled: graph/reads/panel.py."""
        raise unserved()

    @strawberry.field(description="The member.")
    def member(self) -> Engineer:
        """Compiled: graph/reads/panel.py."""
        raise unserved()

    @strawberry.field(description="The panel.")
    def panel(self) -> "AdvisoryPanel":
        """Compiled: graph/reads/panel.py."""
        raise unserved()


@strawberry.type(
    description="Someone put forward for a seat: nominated by another engineer, or applying. "
    f"Visible to the candidate, the nominator and {STAFF}; `node` returns null for others."
)
class PanelCandidacy(Node):
    """A candidacy."""

    pk: strawberry.Private[int]
    panel_pk: strawberry.Private[int]
    candidate_pk: strawberry.Private[int]
    nominator_pk: strawberry.Private[int | None]
    source: CandidacySource = strawberry.field(description="Nominated or applied.")
    status: CandidacyStatus = strawberry.field(description="Where it stands.")
    statement: str = strawberry.field(
        description="Why this person (the nominator's or the applicant's words)."
    )
    created_at: datetime = strawberry.field(description="When it was made.")
    decided_at: datetime | None = strawberry.field(
        description="When it was appointed or withdrawn."
    )

    @classmethod
    def from_model(cls, row: models.PanelCandidacy) -> "PanelCandidacy":
        """Build from a panel_candidacies row (the caller checked the rule)."""
        return cls(
            id=strawberry.ID(encode_id("PanelCandidacy", row.id)),
            pk=row.id,
            panel_pk=row.panel_id,
            candidate_pk=row.candidate_id,
            nominator_pk=row.nominated_by_id,
            source=CandidacySource(row.source),
            status=CandidacyStatus(row.status),
            statement=row.statement,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    @strawberry.field(description="The candidate.")
    def candidate(self) -> Engineer:
        """Compiled: graph/reads/panel.py."""
        raise unserved()

    @strawberry.field(description="Who nominated the candidate; null for applications.")
    def nominated_by(self) -> Engineer | None:
        """Compiled: graph/reads/panel.py."""
        raise unserved()

    @strawberry.field(description="The panel.")
    def panel(self) -> "AdvisoryPanel":
        """Compiled: graph/reads/panel.py."""
        raise unserved()


@strawberry.type(
    description="A panel meeting. Public, except its notes. Each attending member's time is a "
    "countersigned session of their panel engagement, in the contribution ledger."
)
class PanelMeeting(Node):
    """A meeting."""

    pk: strawberry.Private[int]
    panel_pk: strawberry.Private[int]
    note_text: strawberry.Private[str]
    title: str = strawberry.field(description="What the meeting was about.")
    held_on: date = strawberry.field(description="When it was held.")
    minutes: int = strawberry.field(description="How long it lasted, in minutes.")

    @classmethod
    def from_model(cls, row: models.PanelMeeting) -> "PanelMeeting":
        """Build from a panel_meetings row."""
        return cls(
            id=strawberry.ID(encode_id("PanelMeeting", row.id)),
            pk=row.id,
            panel_pk=row.panel_id,
            note_text=row.notes,
            title=row.title,
            held_on=row.held_on,
            minutes=row.minutes,
        )

    @strawberry.field(
        description=f"The minutes of the meeting; null except for {STAFF} and the panel's members."
    )
    def notes(self) -> str | None:
        """Compiled: graph/reads/panel.py."""
        raise unserved()

    @strawberry.field(description="The panel.")
    def panel(self) -> "AdvisoryPanel":
        """Compiled: graph/reads/panel.py."""
        raise unserved()

    @strawberry.field(description="The members who attended, by id.")
    def attendees(self) -> list[Engineer]:
        """Compiled: graph/reads/panel.py."""
        raise unserved()


@strawberry.type(
    description="An institution's advisory or curriculum-review panel: seats, a term, "
    "candidates, appointed members and meetings. Public; only the institution's staff "
    "appoint."
)
class AdvisoryPanel(Node):
    """A panel."""

    name: str = strawberry.field(description="The panel's name.")
    purpose: str = strawberry.field(description="What the panel is for.")
    kind: PanelKind = strawberry.field(description="Advisory or curriculum review.")
    seats: int = strawberry.field(description="How many members it has at most.")
    term_starts_on: date = strawberry.field(description="First day of the panel's term.")
    term_ends_on: date = strawberry.field(description="Last day of the panel's term.")
    status: PanelStatus = strawberry.field(description="Whether it takes candidates.")
    created_at: datetime = strawberry.field(description="When it was opened.")
    closed_at: datetime | None = strawberry.field(description="When it stopped taking candidates.")

    @classmethod
    def from_model(cls, row: models.AdvisoryPanel) -> "AdvisoryPanel":
        """Build from an advisory_panels row."""
        return cls(
            id=strawberry.ID(encode_id("AdvisoryPanel", row.id)),
            name=row.name,
            purpose=row.purpose,
            kind=PanelKind(row.kind),
            seats=row.seats,
            term_starts_on=row.term_starts_on,
            term_ends_on=row.term_ends_on,
            status=PanelStatus(row.status),
            created_at=row.created_at,
            closed_at=row.closed_at,
        )

    seats_filled: int = sql_field(
        description="Seats held now (members whose term has not ended)."
    )
    institution: Institution = sql_field(description="The institution the panel advises.")

    @strawberry.field(description="Every member appointed, by term start (ended ones included).")
    def members(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PanelMembership]:
        """Compiled: graph/reads/panel.py."""
        raise unserved()

    @strawberry.field(
        description=f"Candidacies, oldest first: {STAFF} see all; others see those they are "
        "the candidate or the nominator of."
    )
    def candidacies(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PanelCandidacy]:
        """Compiled: graph/reads/panel.py."""
        raise unserved()

    @strawberry.field(description="Meetings, most recent first.")
    def meetings(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PanelMeeting]:
        """Compiled: graph/reads/panel.py."""
        raise unserved()
