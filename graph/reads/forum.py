"""Forum reads: categories, threads and posts, their filters and who may read what."""

from typing import Any

from sqlalchemy import ColumnElement, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased

from db import models
from db.models import ForumCategory, ForumPost, ForumReport, ForumThread
from db.queries.forum import (
    CATEGORY_ORDERING,
    CATEGORY_THREAD_ORDERINGS,
    POST_ORDERING,
    REPORT_ORDERING,
    THREAD_ORDERING,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Filtered,
    Filters,
    Guard,
    Link,
    Paged,
    RootConnection,
    RootLookup,
    Rule,
    ToOne,
    TypeMapping,
    columns,
    enum_value,
    global_id,
)
from graph.errors import GraphError
from graph.services import forum as forum_service
from graph.services import visibility as rules
from graph.services.forum_moderation import require_moderator

NO_CHAPTER_ID = 0
"""A chapter id no row has: what the viewer is refused in a category they do not moderate."""


def forum_categories(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The forum categories the viewer may read (members-only ones for members)."""
    return rules.forum_scope(viewer).category_predicate()


def forum_threads(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The forum threads the viewer may read (hidden ones for the category's moderators)."""
    return rules.forum_scope(viewer).thread_predicate()


def forum_posts(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The forum posts whose thread the viewer may read (node, nodes)."""
    return exists().where(
        ForumThread.id == ForumPost.thread_id, rules.forum_scope(viewer).thread_predicate()
    )


def forum_post_bodies(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """A post's body shows unless it is hidden and the viewer does not moderate its category
    (the mask of ForumPost.body)."""
    scope = rules.forum_scope(viewer)
    if scope.moderates_all:
        return true()
    if not scope.moderated_chapter_ids:
        return ForumPost.hidden.is_(false())
    return or_(
        ForumPost.hidden.is_(false()),
        exists().where(
            ForumThread.id == ForumPost.thread_id,
            ForumCategory.id == ForumThread.category_id,
            scope.moderates_category(),
        ),
    )


def moderated_categories(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The categories the viewer moderates (`ForumScope.moderates_category`; its
    `moderates` decides the same for one loaded category)."""
    return rules.forum_scope(viewer).moderates_category()


def queue_denial(viewer: Viewer) -> GraphError | None:
    """The error ForumCategory.reports raises where the viewer does not moderate (None: never)."""
    try:
        require_moderator(viewer, ForumCategory(chapter_id=NO_CHAPTER_ID, kind="CHAPTER"))
    except GraphError as error:
        return error
    return None


def forum_reports(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The reports `node(id:)` shows (graph.resolvers.forum.report_node): the reported thread
    (or the reply's) is readable, and the viewer filed the report or moderates its category."""
    scope = rules.forum_scope(viewer)
    post = aliased(ForumPost)
    thread_id = func.coalesce(
        ForumReport.thread_id,
        select(post.thread_id)
        .where(post.id == ForumReport.post_id)
        .correlate_except(post)
        .scalar_subquery(),
    )
    filed = (
        ForumReport.reporter_id == viewer.engineer_id if viewer.engineer_id is not None else false()
    )
    return exists().where(
        ForumThread.id == thread_id,
        ForumCategory.id == ForumThread.category_id,
        scope.category_predicate(),
        or_(ForumThread.hidden.is_(false()), scope.moderates_category()),
        or_(filed, scope.moderates_category()),
    )


def bind_reports(arguments: dict[str, Any]) -> Filtered:
    """`reports(statuses:)`: only reports in these statuses, when given."""
    statuses = sorted({enum_value(status) for status in arguments.get("statuses") or ()})
    return Filtered(None, ("statuses",), {"statuses": statuses}) if statuses else Filtered()


REPORT_CONDITIONS: dict[str, tuple[str, str]] = {"statuses": ("{c}.status = ANY({v})", "text[]")}
"""The moderation queue's filter (db.queries.forum.reports)."""

THREAD_CONDITIONS: dict[str, tuple[str, str]] = {
    "category": (
        "{c}.category_id IN (SELECT f_c.id FROM forum_categories f_c WHERE f_c.slug = {v})",
        "text",
    ),
    "tags": ("{c}.tags @> {v}", "text[]"),
    "search": ("{c}.search @@ websearch_to_tsquery('english', {v})", "text"),
}
"""Thread filters as db.queries.forum.threads writes them (the category by its slug)."""

CATEGORY_CONDITIONS: dict[str, tuple[str, str]] = {
    "kind": ("{c}.kind = {v}", "text"),
    "chapter": (
        "{c}.chapter_id IN (SELECT f_h.id FROM chapters f_h WHERE f_h.slug = {v})",
        "text",
    ),
}


def bind_forum_threads(arguments: dict[str, Any]) -> Filtered:
    """graph.resolvers.forum.forum_threads' criteria: validated tags and search, the category
    by slug (cut to 64 characters, as the resolver looks it up)."""
    given = arguments.get("filter") or {}
    criteria = forum_service.thread_criteria(given.get("tags"), given.get("search"))
    values: dict[str, Any] = {}
    if given.get("category") is not None:
        values["category"] = str(given["category"])[:64]
    if criteria.tags:
        values["tags"] = list(criteria.tags)
    if criteria.search:
        values["search"] = criteria.search
    return Filtered(None, tuple(values), values)


def bind_forum_categories(arguments: dict[str, Any]) -> Filtered:
    """graph.resolvers.forum.forum_categories' filters: a kind, a chapter by slug."""
    values: dict[str, Any] = {}
    if arguments.get("kind") is not None:
        values["kind"] = enum_value(arguments["kind"])
    if arguments.get("chapter") is not None:
        values["chapter"] = str(arguments["chapter"])[:64]
    return Filtered(None, tuple(values), values)


def bind_category_threads(arguments: dict[str, Any]) -> Filtered:
    """A category's `threads(orderBy:, tags:, search:)` (pinned threads first)."""
    ordering = CATEGORY_THREAD_ORDERINGS[enum_value(arguments.get("orderBy") or "LAST_POSTED_AT")]
    criteria = forum_service.thread_criteria(arguments.get("tags"), arguments.get("search"))
    values: dict[str, Any] = {}
    values.update({"tags": list(criteria.tags)} if criteria.tags else {})
    values.update({"search": criteria.search} if criteria.search else {})
    return Filtered(ordering, tuple(values), values)


_AUTHOR = ToOne(Link("Engineer", "{c}.id = {p}.author_id"))

DECLARATION = Declaration(
    types=(
        TypeMapping(
            "ForumCategory",
            "forum_categories",
            {
                "id": global_id("ForumCategory"),
                **columns(
                    slug="slug",
                    name="name",
                    description="description",
                    kind="kind",
                    membersOnly="members_only",
                ),
                "sector": ToOne(Link("Sector", "{c}.id = {p}.sector_id")),
                "chapter": ToOne(Link("Chapter", "{c}.id = {p}.chapter_id")),
                "threads": Paged(
                    Link("ForumThread", "{c}.category_id = {p}.id"),
                    CATEGORY_THREAD_ORDERINGS["LAST_POSTED_AT"],
                    models.ForumThread,
                    visibility="forum_thread",
                    filters=Filters(bind_category_threads, THREAD_CONDITIONS),
                ),
                "reports": Paged(
                    Link(
                        "ForumReport",
                        "{c}_t.category_id = {p}.id",
                        source="LEFT JOIN forum_posts {c}_p ON {c}_p.id = {c}.post_id"
                        " JOIN forum_threads {c}_t"
                        " ON {c}_t.id = coalesce({c}.thread_id, {c}_p.thread_id)",
                    ),
                    REPORT_ORDERING,
                    models.ForumReport,
                    filters=Filters(bind_reports, REPORT_CONDITIONS),
                    guard="moderation_queue",
                ),
            },
            models.ForumCategory,
        ),
        TypeMapping(
            "ForumReport",
            "forum_reports",
            {
                "id": global_id("ForumReport"),
                **columns(reason="reason", status="status"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "resolvedAt": Column(sqltext.timestamp("{t}.resolved_at")),
                "threadId": Column(sqltext.global_id("ForumThread", "{t}.thread_id")),
                "postId": Column(sqltext.global_id("ForumPost", "{t}.post_id")),
                "reporter": ToOne(Link("Engineer", "{c}.id = {p}.reporter_id")),
            },
            models.ForumReport,
        ),
        TypeMapping(
            "ForumThread",
            "forum_threads",
            {
                "id": global_id("ForumThread"),
                **columns(
                    title="title",
                    body="body",
                    tags="tags",
                    pinned="pinned",
                    locked="locked",
                    hidden="hidden",
                ),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "lastPostedAt": Column(sqltext.timestamp("{t}.last_posted_at")),
                "author": _AUTHOR,
                "category": ToOne(Link("ForumCategory", "{c}.id = {p}.category_id")),
                "acceptedAnswer": ToOne(Link("ForumPost", "{c}.id = {p}.accepted_post_id")),
                "posts": Paged(
                    Link("ForumPost", "{c}.thread_id = {p}.id"),
                    POST_ORDERING,
                    models.ForumPost,
                    total="{p}.post_count",
                ),
            },
            models.ForumThread,
        ),
        TypeMapping(
            "ForumPost",
            "forum_posts",
            {
                "id": global_id("ForumPost"),
                "body": Column("{t}.body", visible_if="forum_post_body"),
                **columns(hidden="hidden", score="score"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "editedAt": Column(sqltext.timestamp("{t}.edited_at")),
                "author": _AUTHOR,
                "thread": ToOne(Link("ForumThread", "{c}.id = {p}.thread_id")),
                "viewerVote": Column(
                    "COALESCE((SELECT {t}_v.value FROM forum_votes {t}_v"
                    " WHERE {t}_v.post_id = {t}.id"
                    " AND {t}_v.engineer_id = {viewer[engineer_id]}), 0)"
                ),
                "isAcceptedAnswer": Column(
                    "EXISTS (SELECT 1 FROM forum_threads {t}_a WHERE {t}_a.id = {t}.thread_id"
                    " AND {t}_a.accepted_post_id = {t}.id)"
                ),
            },
            models.ForumPost,
        ),
    ),
    lookups={"forumCategory": RootLookup("ForumCategory", "slug")},
    connections={
        "forumThreads": RootConnection(
            "ForumThread",
            THREAD_ORDERING,
            visibility="forum_thread",
            filters=Filters(bind_forum_threads, THREAD_CONDITIONS),
        ),
        "forumCategories": RootConnection(
            "ForumCategory",
            CATEGORY_ORDERING,
            visibility="forum_category",
            filters=Filters(bind_forum_categories, CATEGORY_CONDITIONS),
        ),
    },
    nodes={
        "ForumCategory": "forum_category",
        "ForumThread": "forum_thread",
        "ForumPost": "forum_post",
        "ForumReport": "forum_report",
    },
    rules={
        "forum_category": Rule(ForumCategory, forum_categories),
        "forum_thread": Rule(ForumThread, forum_threads),
        "forum_post": Rule(ForumPost, forum_posts),
        "forum_post_body": Rule(ForumPost, forum_post_bodies),
        "forum_report": Rule(ForumReport, forum_reports),
        "moderated_category": Rule(ForumCategory, moderated_categories),
    },
    guards={"moderation_queue": Guard("moderated_category", queue_denial, awaits=1)},
)
