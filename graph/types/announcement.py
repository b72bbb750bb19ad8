"""The ChapterAnnouncement type: a coordinator's message to a chapter's members."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from graph.ids import encode_id
from graph.types.engineer import Engineer
from graph.types.node import Node
from graph.types.sql_only import unserved

if TYPE_CHECKING:
    from graph.types.chapter import Chapter

ChapterRef = Annotated["Chapter", strawberry.lazy("graph.types.chapter")]


@strawberry.type(description="A coordinator's message to a chapter's members.")
class ChapterAnnouncement(Node):
    """An announcement."""

    pk: strawberry.Private[int]
    chapter_pk: strawberry.Private[int]
    author_pk: strawberry.Private[int | None]
    title: str = strawberry.field(description="The headline.")
    body: str = strawberry.field(description="The message.")
    recipients: int = strawberry.field(
        description="How many members were notified (not those who chose NONE for "
        "announcements)."
    )
    created_at: datetime = strawberry.field(description="When it was posted.")

    @classmethod
    def from_model(cls, row: models.ChapterAnnouncement) -> "ChapterAnnouncement":
        """Build from a chapter_announcements row (the caller checked it may be read)."""
        return cls(
            id=strawberry.ID(encode_id("ChapterAnnouncement", row.id)),
            pk=row.id,
            chapter_pk=row.chapter_id,
            author_pk=row.author_id,
            title=row.title,
            body=row.body,
            recipients=row.recipients,
            created_at=row.created_at,
        )

    @strawberry.field(description="The coordinator who posted it; null if their account is gone.")
    def author(self) -> Engineer | None:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(description="The chapter it was posted to.")
    def chapter(self) -> ChapterRef:
        """Compiled: graph/reads/event.py."""
        raise unserved()
