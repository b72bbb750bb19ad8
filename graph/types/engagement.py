"""Engagement types: the engagement, its milestones, session log and feedback, and ledger
entries; the node types' fields are read by SQL compiled from graph/reads/contribution.py
(but `Engagement.sessions`: see there)."""

from datetime import date, datetime

import strawberry

from db import models
from db.enums import EngagementKind, EngagementStatus, MilestoneStatus
from graph.ids import encode_id
from graph.types.engineer import Engineer
from graph.types.institution import Institution
from graph.types.node import Node
from graph.types.opportunity import Opportunity
from graph.types.sql_only import sql_field, unserved
from graph.types.taxonomy import Sector


@strawberry.type(description="A deliverable of an engagement; countersigned, it enters the ledger.")
class EngagementMilestone:
    """A milestone."""

    id: strawberry.ID = strawberry.field(description="Global ID of the milestone.")
    title: str = strawberry.field(description="What is delivered.")
    due_on: date = strawberry.field(description="When it is due.")
    minutes: int = strawberry.field(description="Work it took, in minutes.")
    status: MilestoneStatus = strawberry.field(
        description="PLANNED, DONE (by the contributor) or COUNTERSIGNED (by the seeker side)."
    )
    countersigned_at: datetime | None = strawberry.field(description="When it was countersigned.")

    @classmethod
    def from_model(cls, row: models.Milestone) -> "EngagementMilestone":
        """Build from an ORM row."""
        return cls(
            id=strawberry.ID(encode_id("EngagementMilestone", row.id)),
            title=row.title,
            due_on=row.due_on,
            minutes=row.minutes,
            status=MilestoneStatus(row.status),
            countersigned_at=row.countersigned_at,
        )


@strawberry.type(
    description="One logged working session. Its notes read null for everyone but the "
    "engagement's parties."
)
class EngagementSession(Node):
    """A session of the log (visible where its engagement is)."""

    held_on: date = strawberry.field(description="When it was held.")
    minutes: int = strawberry.field(description="How long it lasted, in minutes.")
    notes: str | None = strawberry.field(
        description="What was done; null unless you are a party to the engagement."
    )
    countersigned_at: datetime | None = strawberry.field(
        description="When the seeker side countersigned it (it then entered the ledger)."
    )
    logged_by: Engineer | None = sql_field(description="Who logged it.")
    attendees: list[Engineer] = sql_field(description="The parties who attended, by id.")

    @classmethod
    def of(cls, row: models.EngagementSession) -> "EngagementSession":
        """A mutation's payload object: its ID only (the compiled path reads the rest)."""
        found = object.__new__(cls)
        found.id = strawberry.ID(encode_id("EngagementSession", row.id))
        return found


@strawberry.type(description="One party's 1–5 rating and comment on a completed engagement.")
class EngagementFeedback(Node):
    """Feedback (visible where its engagement is)."""

    rating: int = strawberry.field(description="1 (poor) to 5 (excellent).")
    comment: str = strawberry.field(description="The comment, possibly empty.")
    created_at: datetime = strawberry.field(description="When it was given.")
    author: Engineer | None = sql_field(description="The party who gave it.")
    subject: Engineer | None = sql_field(description="The party it is about.")

    @classmethod
    def of(cls, row: models.Feedback) -> "EngagementFeedback":
        """A mutation's payload object: its ID only (the compiled path reads the rest)."""
        found = object.__new__(cls)
        found.id = strawberry.ID(encode_id("EngagementFeedback", row.id))
        return found


@strawberry.type(
    description="The accepted contributor and seeker working together, for any kind of "
    "contribution. Visible to its parties and council admins."
)
class Engagement(Node):
    """An engagement and its state."""

    kind: EngagementKind = strawberry.field(description="The kind of contribution.")
    status: EngagementStatus = strawberry.field(description="State in its lifecycle.")
    hours_per_month: int = strawberry.field(description="Effort agreed, in hours per month.")
    cancel_reason: str | None = strawberry.field(description="Why it was cancelled, if it was.")
    started_at: datetime | None = strawberry.field(description="When the contributor started.")
    completed_at: datetime | None = strawberry.field(description="When it was completed.")
    created_at: datetime = strawberry.field(description="When it was proposed.")
    opportunity: Opportunity | None = sql_field(description="The opportunity it came from, if any.")
    contributor: Engineer | None = sql_field(description="The contributor giving their time.")
    seeker: Engineer | None = sql_field(description="The engineer on the seeker side, if any.")
    institution: Institution | None = sql_field(description="The seeking institution, if any.")
    milestones: list[EngagementMilestone] = sql_field(description="Milestones, by due date.")
    key: strawberry.Private[int]

    @strawberry.field(description="The session log, most recent first (notes for the parties).")
    def sessions(self) -> list[EngagementSession]:
        """Compiled: graph/reads/contribution.py."""
        raise unserved()

    @strawberry.field(description="Feedback from both sides, once completed.")
    def feedback(self) -> list[EngagementFeedback]:
        """Compiled: graph/reads/contribution.py."""
        raise unserved()

    @classmethod
    def from_model(cls, row: models.Engagement) -> "Engagement":
        """Build from an ORM row."""
        return cls(
            id=strawberry.ID(encode_id("Engagement", row.id)),
            kind=EngagementKind(row.kind),
            status=EngagementStatus(row.status),
            hours_per_month=row.hours_per_month,
            cancel_reason=row.cancel_reason,
            started_at=row.started_at,
            completed_at=row.completed_at,
            created_at=row.created_at,
            key=row.id,
        )


@strawberry.type(
    description="Countersigned work in the contribution ledger: a session or milestone the "
    "seeker side signed, with its hours and CPD points."
)
class LedgerEntry(Node):
    """A ledger entry (a public record of recognised work)."""

    kind: EngagementKind = strawberry.field(description="The kind of contribution.")
    minutes: int = strawberry.field(description="Work recorded, in minutes.")
    hours: float = strawberry.field(description="Work recorded, in hours (two decimals).")
    cpd_points: float = strawberry.field(description="CPD points earned (config: cpd.toml).")
    occurred_on: date = strawberry.field(description="When the work happened.")
    sector: Sector | None = sql_field(description="The sector of the work, if known.")
    counterpart: Engineer | None = sql_field(description="The engineer the work was for, if any.")
    counterpart_institution: Institution | None = sql_field(
        description="The institution the work was for, if any."
    )

    @classmethod
    def from_model(cls, row: models.LedgerEntry) -> "LedgerEntry":
        """Build from an ORM row."""
        return cls(
            id=strawberry.ID(encode_id("LedgerEntry", row.id)),
            kind=EngagementKind(row.kind),
            minutes=row.minutes,
            hours=round(row.minutes / 60, 2),
            cpd_points=float(row.cpd_points),
            occurred_on=row.occurred_on,
        )
