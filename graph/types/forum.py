"""Forum types: categories, threads and posts, built from ORM rows; reads checked on the rows."""

import enum
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from db.enums import ForumCategoryKind, ForumReportStatus
from db.queries import forum as queries
from graph.auth.permissions import requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.ids import encode_id
from graph.loaders.forum import ReportSlice, ThreadSlice
from graph.pagination import PageArgs
from graph.services import forum as service
from graph.services.forum_moderation import require_moderator
from graph.services.visibility import forum_scope
from graph.types.connection import After, Before, Connection, First, Last, build_connection
from graph.types.engineer import Engineer
from graph.types.forum_report import ForumReport
from graph.types.node import Node
from graph.types.taxonomy import Sector

if TYPE_CHECKING:
    from graph.types.chapter import Chapter

ChapterRef = Annotated["Chapter", strawberry.lazy("graph.types.chapter")]

HIDDEN_RULE = (
    " Hidden (minimised) posts stay in the list so that the conversation keeps its shape; "
    "their `body` reads null except for moderators of the category (`forum:moderate` in its "
    "chapter, council admins for global and sector categories)."
)


@strawberry.enum(description="How a category's threads are ordered (pinned threads first).")
class ForumThreadOrder(enum.Enum):
    """Sort keys for a category's threads."""

    LAST_POSTED_AT = strawberry.enum_value(
        "LAST_POSTED_AT", description="Most recent reply (or start) first."
    )
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="Newest thread first.")


async def _author(info: Info, engineer_id: int | None) -> Engineer | None:
    if engineer_id is None:
        return None
    row = await info.context.loaders.engineer_by_id.load(engineer_id)
    return Engineer.from_model(row) if row is not None else None


@strawberry.type(
    description="A place forum threads are filed under: the whole portal, one sector, or one "
    "chapter. A members-only chapter category, its threads and posts are visible only to the "
    "chapter's active members and to council admins."
)
class ForumCategory(Node):
    """A forum category."""

    pk: strawberry.Private[int]
    sector_pk: strawberry.Private[int | None]
    chapter_pk: strawberry.Private[int | None]
    slug: str = strawberry.field(description="URL-safe unique name.")
    name: str = strawberry.field(description="Display name.")
    description: str = strawberry.field(description="What belongs in the category.")
    kind: ForumCategoryKind = strawberry.field(description="Global, sector or chapter category.")
    members_only: bool = strawberry.field(
        description="Only the chapter's active members can read it (chapter categories only)."
    )

    @classmethod
    def from_model(cls, row: models.ForumCategory) -> "ForumCategory":
        """Build from a forum_categories row (the caller checked it may be read)."""
        return cls(
            id=strawberry.ID(encode_id("ForumCategory", row.id)),
            pk=row.id,
            sector_pk=row.sector_id,
            chapter_pk=row.chapter_id,
            slug=row.slug,
            name=row.name,
            description=row.description,
            kind=ForumCategoryKind(row.kind),
            members_only=row.members_only,
        )

    @strawberry.field(description="The sector of a sector category; null otherwise.")
    async def sector(self, info: Info) -> Sector | None:
        """Loaded by id, batched."""
        if self.sector_pk is None:
            return None
        row = await info.context.loaders.sector_by_id.load(self.sector_pk)
        return Sector.from_model(row) if row is not None else None

    @strawberry.field(description="The chapter of a chapter category; null otherwise.")
    async def chapter(self, info: Info) -> ChapterRef | None:
        """Loaded by id, batched."""
        from graph.types.chapter import Chapter

        if self.chapter_pk is None:
            return None
        row = await info.context.loaders.chapter_by_id.load(self.chapter_pk)
        return Chapter.from_model(row) if row is not None else None

    @strawberry.field(
        description="Threads of the category, pinned ones first. Hidden threads are listed only "
        "to the category's moderators."
    )
    async def threads(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[
            ForumThreadOrder,
            strawberry.argument(description="Ordering after the pinned threads."),
        ] = ForumThreadOrder.LAST_POSTED_AT,
        tags: Annotated[
            list[str] | None,
            strawberry.argument(description="Only threads carrying every one of these tags."),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Full-text search over title, tags and body (web-search syntax). "
                "At most 200 characters."
            ),
        ] = None,
    ) -> Connection["ForumThread"]:
        """A keyset page, batched across every category in the response."""
        loaders = info.context.loaders
        criteria = service.thread_criteria(tags, search)
        ordering = queries.CATEGORY_THREAD_ORDERINGS[order_by.name]
        window = PageArgs(first, after, last, before).window(ordering, models.ForumThread)
        part = ThreadSlice(
            forum_scope(info.context.viewer), order_by.name, criteria.tags, criteria.search
        )
        page = await loaders.forum_thread_page_by_category_id.load(
            (self.pk, replace(part, window=window))
        )
        return build_connection(
            page,
            ordering,
            ForumThread.from_model,
            lambda: loaders.forum_thread_count_by_category_id.load((self.pk, part)),
        )

    @strawberry.field(
        description="The category's moderation queue: reports against its threads and replies, "
        "oldest first; null with a FORBIDDEN error for everyone but its moderators."
        + requires(Scope.FORUM_MODERATE, chapter=True)
    )
    async def reports(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        statuses: Annotated[
            list[ForumReportStatus] | None,
            strawberry.argument(description="Only reports in these statuses (all when omitted)."),
        ] = None,
    ) -> Connection[ForumReport] | None:
        """A keyset page, checked against the loaded category; batched across categories."""
        loaders = info.context.loaders
        category = await loaders.forum_category_by_id.load(self.pk)
        assert category is not None, "category vanished"
        require_moderator(info.context.viewer, category)
        ordering = queries.REPORT_ORDERING
        window = PageArgs(first, after, last, before).window(ordering, models.ForumReport)
        part = ReportSlice(tuple(sorted({status.value for status in statuses or ()})))
        page = await loaders.forum_report_page_by_category_id.load(
            (self.pk, replace(part, window=window))
        )
        return build_connection(
            page,
            ordering,
            ForumReport.from_model,
            lambda: loaders.forum_report_count_by_category_id.load((self.pk, part)),
        )


@strawberry.type(
    description="A discussion in a forum category: a title, an opening body, tags and replies."
)
class ForumThread(Node):
    """A forum thread."""

    pk: strawberry.Private[int]
    category_pk: strawberry.Private[int]
    author_pk: strawberry.Private[int | None]
    accepted_post_pk: strawberry.Private[int | None]
    post_count: strawberry.Private[int]
    title: str = strawberry.field(description="The question or subject.")
    body: str = strawberry.field(description="The opening text (plain text or Markdown).")
    tags: list[str] = strawberry.field(description="Lower-case tags (at most five).")
    pinned: bool = strawberry.field(description="Moderators pinned it to the top of its category.")
    locked: bool = strawberry.field(description="Moderators locked it: no new replies.")
    hidden: bool = strawberry.field(
        description="Moderators hid it. Only the category's moderators can see hidden threads, "
        "so everyone else always reads false."
    )
    created_at: datetime = strawberry.field(description="When the thread was started.")
    last_posted_at: datetime = strawberry.field(
        description="When the latest reply was posted (the start, without replies)."
    )

    @classmethod
    def from_model(cls, row: models.ForumThread) -> "ForumThread":
        """Build from a forum_threads row (the caller checked it may be read)."""
        return cls(
            id=strawberry.ID(encode_id("ForumThread", row.id)),
            pk=row.id,
            category_pk=row.category_id,
            author_pk=row.author_id,
            accepted_post_pk=row.accepted_post_id,
            post_count=row.post_count,
            title=row.title,
            body=row.body,
            tags=list(row.tags),
            pinned=row.pinned,
            locked=row.locked,
            hidden=row.hidden,
            created_at=row.created_at,
            last_posted_at=row.last_posted_at,
        )

    @strawberry.field(
        description="Who started the thread (profile fields as the engineer shows them to you); "
        "null when the account was deleted."
    )
    async def author(self, info: Info) -> Engineer | None:
        """Loaded by id, batched."""
        return await _author(info, self.author_pk)

    @strawberry.field(description="The category the thread is filed under.")
    async def category(self, info: Info) -> ForumCategory:
        """Loaded by id, batched."""
        row = await info.context.loaders.forum_category_by_id.load(self.category_pk)
        assert row is not None, "thread without category"
        return ForumCategory.from_model(row)

    @strawberry.field(description="The reply the thread's author accepted as the answer, if any.")
    async def accepted_answer(self, info: Info) -> "ForumPost | None":
        """Loaded by id, batched."""
        if self.accepted_post_pk is None:
            return None
        row = await info.context.loaders.forum_post_by_id.load(self.accepted_post_pk)
        return ForumPost.from_model(row) if row is not None else None

    @strawberry.field(description="Replies, oldest first." + HIDDEN_RULE)
    async def posts(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["ForumPost"]:
        """A keyset page, batched across every thread in the response; the total is the
        thread's maintained reply count (no COUNT query)."""
        ordering = queries.POST_ORDERING
        window = PageArgs(first, after, last, before).window(ordering, models.ForumPost)
        page = await info.context.loaders.forum_post_page_by_thread_id.load((self.pk, window))
        total = self.post_count

        async def count() -> int:
            return total

        return build_connection(page, ordering, ForumPost.from_model, count)


@strawberry.type(description="A reply in a forum thread." + HIDDEN_RULE)
class ForumPost(Node):
    """A forum post."""

    pk: strawberry.Private[int]
    thread_pk: strawberry.Private[int]
    author_pk: strawberry.Private[int | None]
    stored_body: strawberry.Private[str]
    hidden: bool = strawberry.field(
        description="Moderators hid (minimised) the post: its body reads null except for them."
    )
    created_at: datetime = strawberry.field(description="When the reply was posted.")
    edited_at: datetime | None = strawberry.field(
        description="When its author last edited it; null if never."
    )
    score: int = strawberry.field(description="Up-votes minus down-votes.")

    @classmethod
    def from_model(cls, row: models.ForumPost) -> "ForumPost":
        """Build from a forum_posts row (the caller checked its thread may be read)."""
        return cls(
            id=strawberry.ID(encode_id("ForumPost", row.id)),
            pk=row.id,
            thread_pk=row.thread_id,
            author_pk=row.author_id,
            stored_body=row.body,
            hidden=row.hidden,
            created_at=row.created_at,
            edited_at=row.edited_at,
            score=row.score,
        )

    @strawberry.field(
        description="The reply's text; null when the post is hidden, except for the "
        "category's moderators."
    )
    async def body(self, info: Info) -> str | None:
        """A hidden post's body under the declared mask (graph/reads/forum.py
        `forum_post_body`), evaluated in SQL, batched."""
        if not self.hidden:
            return self.stored_body
        shown = await info.context.loaders.ruled("forum_post_body").load(self.pk)
        return self.stored_body if shown is not None else None

    @strawberry.field(
        description="Who wrote the reply (profile fields as the engineer shows them to you); "
        "null when the account was deleted."
    )
    async def author(self, info: Info) -> Engineer | None:
        """Loaded by id, batched."""
        return await _author(info, self.author_pk)

    @strawberry.field(description="The thread the reply belongs to.")
    async def thread(self, info: Info) -> ForumThread:
        """Loaded by id, batched."""
        row = await info.context.loaders.forum_thread_by_id.load(self.thread_pk)
        assert row is not None, "post without thread"
        return ForumThread.from_model(row)

    @strawberry.field(description="The thread's author accepted this reply as the answer.")
    async def is_accepted_answer(self, info: Info) -> bool:
        """Compared with the loaded thread (batched)."""
        row = await info.context.loaders.forum_thread_by_id.load(self.thread_pk)
        return row is not None and row.accepted_post_id == self.pk

    @strawberry.field(
        description="Your vote on the reply: 1, -1, or 0 when you have not voted (always 0 "
        "when not signed in as an engineer)."
    )
    async def viewer_vote(self, info: Info) -> int:
        """Batched: one statement for every post in the response."""
        return await info.context.loaders.forum_vote_by_post_id.load(self.pk)

