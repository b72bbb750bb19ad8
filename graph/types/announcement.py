"""The ChapterAnnouncement type: a coordinator's message to a chapter's members."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from graph.context import Info
from graph.ids import encode_id
from graph.types.engineer import Engineer
from graph.types.node import Node

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
    async def author(self, info: Info) -> Engineer | None:
        """Loaded by id, batched."""
        if self.author_pk is None:
            return None
        row = await info.context.loaders.engineer_by_id.load(self.author_pk)
        return Engineer.from_model(row) if row is not None else None

    @strawberry.field(description="The chapter it was posted to.")
    async def chapter(self, info: Info) -> ChapterRef:
        """Loaded by id, batched."""
        from graph.types.chapter import Chapter

        row = await info.context.loaders.chapter_by_id.load(self.chapter_pk)
        assert row is not None, "announcement without chapter"
        return Chapter.from_model(row)
