"""Forum types: categories, threads and posts, built from ORM rows; reads checked on the rows."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from db.enums import ForumCategoryKind, ForumReportStatus
from graph.auth.permissions import requires
from graph.auth.scopes import Scope
from graph.ids import encode_id
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.engineer import Engineer
from graph.types.forum_report import ForumReport
from graph.types.node import Node
from graph.types.sql_only import unserved
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
    def sector(self) -> Sector | None:
        """Compiled: graph/reads/forum.py."""
        raise unserved()

    @strawberry.field(description="The chapter of a chapter category; null otherwise.")
    def chapter(self) -> ChapterRef | None:
        """Compiled: graph/reads/forum.py."""
        raise unserved()

    @strawberry.field(
        description="Threads of the category, pinned ones first. Hidden threads are listed only "
        "to the category's moderators."
    )
    def threads(
        self,
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
        """Compiled: graph/reads/forum.py."""
        raise unserved()

    @strawberry.field(
        description="The category's moderation queue: reports against its threads and replies, "
        "oldest first; null with a FORBIDDEN error for everyone but its moderators."
        + requires(Scope.FORUM_MODERATE, chapter=True)
    )
    def reports(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        statuses: Annotated[
            list[ForumReportStatus] | None,
            strawberry.argument(description="Only reports in these statuses (all when omitted)."),
        ] = None,
    ) -> Connection[ForumReport] | None:
        """Compiled: graph/reads/forum.py."""
        raise unserved()


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
    def author(self) -> Engineer | None:
        """Compiled: graph/reads/forum.py."""
        raise unserved()

    @strawberry.field(description="The category the thread is filed under.")
    def category(self) -> ForumCategory:
        """Compiled: graph/reads/forum.py."""
        raise unserved()

    @strawberry.field(description="The reply the thread's author accepted as the answer, if any.")
    def accepted_answer(self) -> "ForumPost | None":
        """Compiled: graph/reads/forum.py."""
        raise unserved()

    @strawberry.field(description="Replies, oldest first." + HIDDEN_RULE)
    def posts(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["ForumPost"]:
        """Compiled: graph/reads/forum.py."""
        raise unserved()


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
    def body(self) -> str | None:
        """Compiled: graph/reads/forum.py."""
        raise unserved()

    @strawberry.field(
        description="Who wrote the reply (profile fields as the engineer shows them to you); "
        "null when the account was deleted."
    )
    def author(self) -> Engineer | None:
        """Compiled: graph/reads/forum.py."""
        raise unserved()

    @strawberry.field(description="The thread the reply belongs to.")
    def thread(self) -> ForumThread:
        """Compiled: graph/reads/forum.py."""
        raise unserved()

    @strawberry.field(description="The thread's author accepted this reply as the answer.")
    def is_accepted_answer(self) -> bool:
        """Compiled: graph/reads/forum.py."""
        raise unserved()

    @strawberry.field(
        description="Your vote on the reply: 1, -1, or 0 when you have not voted (always 0 "
        "when not signed in as an engineer)."
    )
    def viewer_vote(self) -> int:
        """Compiled: graph/reads/forum.py."""
        raise unserved()
