"""Chapter and Membership types."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db import models
from db.enums import JoinPolicy, MembershipStatus
from graph.auth.permissions import require_chapter_scope, requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.ids import encode_id
from graph.types.announcement import ChapterAnnouncement
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.consent import AuditLogEntry
from graph.types.engineer import Engineer, OpportunityRef, OpportunityStatuses
from graph.types.event import Event, EventFilter
from graph.types.event_enums import EventOrder
from graph.types.node import Node
from graph.types.sql_only import unserved

if TYPE_CHECKING:
    from graph.types.contribution_summary import ChapterEngagementSummary
    from graph.types.forum import ForumCategory

ForumCategoryRef = Annotated["ForumCategory", strawberry.lazy("graph.types.forum")]
ChapterEngagementSummaryRef = Annotated[
    "ChapterEngagementSummary", strawberry.lazy("graph.types.contribution_summary")
]

Role = Annotated[
    list[str] | None,
    strawberry.argument(description="Only memberships with one of these chapter roles."),
]


@strawberry.type(description="Which optional features a chapter has switched on.")
class ChapterFeatures:
    """Feature switches from the chapter's configuration file."""

    forum: bool = strawberry.field(description="The chapter runs a forum.")
    events: bool = strawberry.field(description="The chapter organises events.")
    mentorship_programmes: bool = strawberry.field(
        description="The chapter runs mentorship cohorts."
    )
    marketplace: bool = strawberry.field(description="The chapter lists consultancy opportunities.")

    @classmethod
    def from_json(cls, features: dict[str, Any]) -> "ChapterFeatures":
        """Build from the chapters.features JSON column."""
        return cls(
            forum=bool(features.get("forum", False)),
            events=bool(features.get("events", False)),
            mentorship_programmes=bool(features.get("mentorship_programmes", False)),
            marketplace=bool(features.get("marketplace", False)),
        )


@strawberry.type(
    description="A self-governing global chapter of overseas engineers, defined by a file in "
    "chapters_config/."
)
class Chapter(Node):
    """A chapter."""

    pk: strawberry.Private[int]
    slug: str = strawberry.field(description="URL-safe unique name (the config file's name).")
    name: str = strawberry.field(description="Display name.")
    region: str = strawberry.field(description="World region the chapter covers.")
    description: str = strawberry.field(description="What the chapter is about.")
    countries: list[str] = strawberry.field(description="ISO 3166-1 alpha-2 countries covered.")
    timezone: str = strawberry.field(description="IANA time zone the chapter schedules in.")
    join_policy: JoinPolicy = strawberry.field(description="How engineers become members.")
    features: ChapterFeatures = strawberry.field(description="Optional features switched on.")
    archived_at: datetime | None = strawberry.field(
        description="When the chapter's file was removed; archived chapters keep their history."
    )

    @classmethod
    def from_model(cls, row: models.Chapter) -> "Chapter":
        """Build from a chapters row."""
        return cls(
            id=strawberry.ID(encode_id("Chapter", row.id)),
            pk=row.id,
            slug=row.slug,
            name=row.name,
            region=row.region,
            description=row.description,
            countries=row.countries,
            timezone=row.timezone,
            join_policy=JoinPolicy(row.join_policy),
            features=ChapterFeatures.from_json(row.features),
            archived_at=row.archived_at,
        )

    @strawberry.field(
        description="Members of the chapter, longest-standing first. Active memberships are "
        "public; pending and suspended ones are listed only to holders of `members:read` in "
        "this chapter (coordinators, moderators, events leads), to council admins, and to the "
        "engineer concerned."
    )
    def members(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        roles: Role = None,
        statuses: Annotated[
            list[MembershipStatus] | None,
            strawberry.argument(
                description="Only memberships in these statuses (pending requests, say)."
            ),
        ] = None,
    ) -> Connection["Membership"]:
        """Compiled: graph/reads/chapter.py."""
        raise unserved()

    @strawberry.field(
        description="The chapter's forum categories, in display order; members-only ones are "
        "listed only to the chapter's active members and council admins."
    )
    def forum_categories(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ForumCategoryRef]:
        """Compiled: graph/reads/chapter.py."""
        raise unserved()

    @strawberry.field(
        description="Events the chapter hosts or co-hosts (once it accepted) that the viewer "
        "may see: members-only ones only for the chapter's active members and council admins."
    )
    def events(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            EventFilter | None,
            strawberry.argument(description="A time range and kinds to narrow the list."),
        ] = None,
        order_by: Annotated[
            EventOrder, strawberry.argument(description="Soonest (default) or latest first.")
        ] = EventOrder.START_ASC,
    ) -> Connection[Event]:
        """Compiled: graph/reads/chapter.py."""
        raise unserved()

    @strawberry.field(
        description="Announcements posted to the chapter, newest first; readable by its "
        "active members (`chapters:read` through their role) and council admins, an empty "
        "list for everyone else."
    )
    def announcements(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ChapterAnnouncement]:
        """Compiled: graph/reads/chapter.py."""
        raise unserved()

    @strawberry.field(
        description="Privileged mutations in this chapter (approvals, suspensions, role "
        "changes), newest first; null with a FORBIDDEN error for everyone else."
        + requires(Scope.AUDIT_READ, chapter=True)
    )
    def audit_log(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditLogEntry] | None:
        """Compiled: graph/reads/chapter.py."""
        raise unserved()

    @strawberry.field(
        description="CHAPTER opportunities that name this chapter, newest first (for its active "
        "members and the seeker side)."
    )
    def opportunities(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        status: OpportunityStatuses = None,
    ) -> Connection[OpportunityRef]:
        """Compiled: graph/reads/chapter.py."""
        raise unserved()

    @strawberry.field(
        description="Engagements of the chapter's active members (as contributors) in "
        "aggregate: counts by status, hours countersigned; no notes, no names. Null with a "
        "FORBIDDEN error for everyone but its coordinators and council admins."
        + requires(Scope.MEMBERS_READ, chapter=True)
    )
    async def engagement_summary(self, info: Info) -> ChapterEngagementSummaryRef | None:
        """Aggregated in one SQL statement, checked against the loaded chapter."""
        from graph.types.contribution_summary import chapter_engagement_summary

        require_chapter_scope(info.context.viewer, Scope.MEMBERS_READ, self.pk)
        return await chapter_engagement_summary(info, self.pk)


@strawberry.type(description="An engineer's membership of a chapter.")
class Membership(Node):
    """A membership."""

    pk: strawberry.Private[int]
    chapter_pk: strawberry.Private[int]
    engineer_pk: strawberry.Private[int]
    role: str = strawberry.field(
        description="Chapter role (as named in the chapter's config: member, moderator, ...)."
    )
    status: MembershipStatus = strawberry.field(description="Where the membership stands.")
    since: datetime = strawberry.field(description="When the engineer joined or asked to join.")

    @staticmethod
    def global_id(key: int) -> str:
        """The global ID of the membership with this primary key."""
        return encode_id("Membership", key)

    @classmethod
    def from_model(cls, row: models.Membership) -> "Membership":
        """Build from a memberships row."""
        return cls(
            id=strawberry.ID(encode_id("Membership", row.id)),
            pk=row.id,
            chapter_pk=row.chapter_id,
            engineer_pk=row.engineer_id,
            role=row.role,
            status=MembershipStatus(row.status),
            since=row.since,
        )

    @strawberry.field(description="The chapter.")
    def chapter(self) -> Chapter:
        """Compiled: graph/reads/chapter.py."""
        raise unserved()

    @strawberry.field(description="The member.")
    def engineer(self) -> Engineer:
        """Compiled: graph/reads/chapter.py."""
        raise unserved()
