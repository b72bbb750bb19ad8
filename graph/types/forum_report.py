"""The ForumReport type: a report against a thread or reply, for its reporter and moderators."""

from datetime import datetime

import strawberry

from db import models
from db.enums import ForumReportStatus
from graph.ids import encode_id
from graph.types.engineer import Engineer
from graph.types.node import Node
from graph.types.sql_only import unserved


@strawberry.type(
    description="A report that a forum thread or reply breaks the rules. Visible to the engineer "
    "who filed it and to moderators of the reported content's category."
)
class ForumReport(Node):
    """A forum report."""

    pk: strawberry.Private[int]
    reporter_pk: strawberry.Private[int | None]
    reason: str = strawberry.field(description="What the reporter says is wrong.")
    status: ForumReportStatus = strawberry.field(description="Where the report stands.")
    created_at: datetime = strawberry.field(description="When the report was filed.")
    resolved_at: datetime | None = strawberry.field(
        description="When a moderator settled it; null while open."
    )
    thread_id: strawberry.ID | None = strawberry.field(
        description="ID of the reported thread; null when a reply was reported."
    )
    post_id: strawberry.ID | None = strawberry.field(
        description="ID of the reported reply; null when a thread was reported."
    )

    @classmethod
    def from_model(cls, row: models.ForumReport) -> "ForumReport":
        """Build from a forum_reports row (the caller checked it may be read)."""
        return cls(
            id=strawberry.ID(encode_id("ForumReport", row.id)),
            pk=row.id,
            reporter_pk=row.reporter_id,
            reason=row.reason,
            status=ForumReportStatus(row.status),
            created_at=row.created_at,
            resolved_at=row.resolved_at,
            thread_id=strawberry.ID(encode_id("ForumThread", row.thread_id))
            if row.thread_id is not None
            else None,
            post_id=strawberry.ID(encode_id("ForumPost", row.post_id))
            if row.post_id is not None
            else None,
        )

    @strawberry.field(
        description="Who filed the report (profile fields as the engineer shows them to you); "
        "null when the account was deleted."
    )
    def reporter(self) -> Engineer | None:
        """Compiled: graph/reads/forum.py."""
        raise unserved()
