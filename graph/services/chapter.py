"""Chapter rules: mirroring chapters_config/ into the chapters table."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JoinPolicy
from db.models import Chapter
from graph.chapters import ChapterConfig, ChapterRegistry


def chapter_values(config: ChapterConfig) -> dict[str, Any]:
    """The chapters-table columns a config file determines."""
    return {
        "name": config.name,
        "region": config.region,
        "description": config.description,
        "countries": list(config.countries),
        "timezone": config.timezone,
        "join_policy": JoinPolicy(config.join_policy.upper()).value,
        "features": config.features.model_dump(),
    }


def _apply(chapter: Chapter, values: dict[str, Any]) -> list[str]:
    """Copy `values` onto `chapter`, returning the names of the columns that changed."""
    changed: list[str] = []
    for column, value in values.items():
        if getattr(chapter, column) != value:
            setattr(chapter, column, value)
            changed.append(column)
    return changed


async def sync_chapters(session: AsyncSession, registry: ChapterRegistry) -> list[str]:
    """Upsert chapter rows from the registry and archive rows whose file is gone (no commit)."""
    rows = (await session.scalars(select(Chapter).order_by(Chapter.slug))).all()
    existing = {chapter.slug: chapter for chapter in rows}
    now = datetime.now(UTC)
    changes: list[str] = []
    for slug, config in registry.items():
        values = chapter_values(config)
        chapter = existing.get(slug)
        if chapter is None:
            session.add(Chapter(slug=slug, **values))
            changes.append(f"created {slug}")
            continue
        changed = _apply(chapter, values)
        detail = f": {', '.join(changed)}" if changed else ""
        if chapter.archived_at is not None:
            chapter.archived_at = None
            changes.append(f"restored {slug}{detail}")
        elif changed:
            changes.append(f"updated {slug}{detail}")
    for slug, chapter in existing.items():
        if slug not in registry and chapter.archived_at is None:
            chapter.archived_at = now
            changes.append(f"archived {slug}")
    await session.flush()
    return changes
