"""Chapter and Membership types."""

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db import models
from db.enums import JoinPolicy, MembershipStatus
from db.queries import consent as consent_queries
from db.queries import forum as forum_queries
from db.queries.chapter import MEMBERSHIP_ORDERING
from db.queries.event import ANNOUNCEMENT_ORDERING
from graph.auth.permissions import require_chapter_scope, requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.ids import encode_id
from graph.loaders.chapter import MembershipSlice
from graph.loaders.forum import CategorySlice
from graph.pagination import PageArgs
from graph.services.visibility import forum_scope, membership_scope
from graph.types.announcement import ChapterAnnouncement
from graph.types.connection import After, Before, Connection, First, Last, build_connection
from graph.types.consent import AuditLogEntry
from graph.types.engineer import Engineer, OpportunityRef, OpportunityStatuses
from graph.types.event import Event, EventFilter, chapter_events
from graph.types.event_enums import EventOrder
from graph.types.node import Node

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
    async def members(
        self,
        info: Info,
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
        """A keyset page, batched across every chapter in the response."""
        loaders = info.context.loaders
        scope = membership_scope(info.context.viewer)
        role_filter = tuple(sorted(set(roles or ())))
        status_filter = tuple(sorted({status.value for status in statuses or ()}))
        window = PageArgs(first, after, last, before).window(MEMBERSHIP_ORDERING, models.Membership)
        page = await loaders.membership_page_by_chapter_id.load(
            (self.pk, MembershipSlice(scope, role_filter, status_filter, window))
        )
        return build_connection(
            page,
            MEMBERSHIP_ORDERING,
            Membership.from_model,
            lambda: loaders.membership_count_by_chapter_id.load(
                (self.pk, MembershipSlice(scope, role_filter, status_filter))
            ),
        )

    @strawberry.field(
        description="The chapter's forum categories, in display order; members-only ones are "
        "listed only to the chapter's active members and council admins."
    )
    async def forum_categories(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ForumCategoryRef]:
        """A keyset page, batched across every chapter in the response."""
        from graph.types.forum import ForumCategory

        loaders = info.context.loaders
        ordering = forum_queries.CATEGORY_ORDERING
        window = PageArgs(first, after, last, before).window(ordering, models.ForumCategory)
        part = CategorySlice(forum_scope(info.context.viewer))
        page = await loaders.forum_category_page_by_chapter_id.load(
            (self.pk, replace(part, window=window))
        )
        return build_connection(
            page,
            ordering,
            ForumCategory.from_model,
            lambda: loaders.forum_category_count_by_chapter_id.load((self.pk, part)),
        )

    @strawberry.field(
        description="Events the chapter hosts or co-hosts (once it accepted) that the viewer "
        "may see: members-only ones only for the chapter's active members and council admins."
    )
    async def events(
        self,
        info: Info,
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
        """A keyset page, batched across every chapter in the response."""
        return await chapter_events(
            info, self.pk, filter, order_by.name, PageArgs(first, after, last, before)
        )

    @strawberry.field(
        description="Announcements posted to the chapter, newest first; readable by its "
        "active members (`chapters:read` through their role) and council admins, an empty "
        "list for everyone else."
    )
    async def announcements(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ChapterAnnouncement]:
        """A keyset page, batched across every chapter in the response."""
        loaders = info.context.loaders.events
        ordering = ANNOUNCEMENT_ORDERING
        window = PageArgs(first, after, last, before).window(ordering, models.ChapterAnnouncement)
        page = await loaders.announcement_page_by_chapter_id.load((self.pk, window))
        return build_connection(
            page,
            ordering,
            ChapterAnnouncement.from_model,
            lambda: loaders.announcement_count_by_chapter_id.load((self.pk, None)),
        )

    @strawberry.field(
        description="Privileged mutations in this chapter (approvals, suspensions, role "
        "changes), newest first; null with a FORBIDDEN error for everyone else."
        + requires(Scope.AUDIT_READ, chapter=True)
    )
    async def audit_log(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditLogEntry] | None:
        """A keyset page, checked against the loaded chapter; batched across chapters."""
        require_chapter_scope(info.context.viewer, Scope.AUDIT_READ, self.pk)
        loaders = info.context.loaders
        ordering = consent_queries.NEWEST_FIRST
        window = PageArgs(first, after, last, before).window(ordering, models.AuditLogEntry)
        page = await loaders.audit_log_page_by_chapter_id.load((self.pk, window))
        return build_connection(
            page,
            ordering,
            AuditLogEntry.from_model,
            lambda: loaders.audit_log_count_by_chapter_id.load((self.pk, None)),
        )

    @strawberry.field(
        description="CHAPTER opportunities that name this chapter, newest first (for its active "
        "members and the seeker side)."
    )
    async def opportunities(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        status: OpportunityStatuses = None,
    ) -> Connection[OpportunityRef]:
        """A keyset page, batched across every chapter in the response."""
        from graph.types.opportunity import owned_opportunities

        loaders = info.context.loaders.contribution.opportunities_by_chapter
        args = PageArgs(first, after, last, before)
        return await owned_opportunities(info, loaders, self.pk, args, status)

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
    async def chapter(self, info: Info) -> Chapter:
        """Loaded by id, batched."""
        row = await info.context.loaders.chapter_by_id.load(self.chapter_pk)
        assert row is not None, "membership without chapter"
        return Chapter.from_model(row)

    @strawberry.field(description="The member.")
    async def engineer(self, info: Info) -> Engineer:
        """Loaded by id, batched."""
        row = await info.context.loaders.engineer_by_id.load(self.engineer_pk)
        assert row is not None, "membership without engineer"
        return Engineer.from_model(row)
