"""Factories: build rows with sensible defaults and keyword overrides, then flush."""

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import InstitutionKind, MembershipStatus, SkillLevel
from db.models import (
    Account,
    Affiliation,
    Chapter,
    ConsentGrant,
    Engineer,
    EngineerSector,
    EngineerSkill,
    ForumCategory,
    ForumPost,
    ForumThread,
    ForumVote,
    Institution,
    Membership,
    Position,
    Sector,
    Skill,
)

_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


async def engineer(session: AsyncSession, **overrides: Any) -> Engineer:
    """An overseas engineer in Dubai unless told otherwise."""
    number = _next()
    values: dict[str, Any] = {
        "handle": f"engineer-{number}",
        "name": f"Test Engineer {number:05d}",
        "headline": "Power systems engineer",
        "bio": "Builds grids.",
        "country_code": "AE",
        "city": "Dubai",
        "is_overseas": True,
        "timezone": "Asia/Dubai",
        "languages": ["en", "ur"],
        "disciplines": ["ELECTRICAL"],
        "offers": ["MENTORSHIP"],
        "seeks": [],
        "capacity_hours_per_month": 8,
        "max_mentees": 2,
    }
    values.update(overrides)
    row = Engineer(**values)
    session.add(row)
    await session.flush()
    return row


async def sector(session: AsyncSession, **overrides: Any) -> Sector:
    """A sector with a unique slug."""
    number = _next()
    row = Sector(**{"slug": f"sector-{number}", "name": f"Sector {number}", **overrides})
    session.add(row)
    await session.flush()
    return row


async def skill(session: AsyncSession, **overrides: Any) -> Skill:
    """A skill with a unique slug."""
    number = _next()
    row = Skill(**{"slug": f"skill-{number}", "name": f"Skill {number}", **overrides})
    session.add(row)
    await session.flush()
    return row


async def claim_skill(
    session: AsyncSession,
    who: Engineer,
    what: Skill,
    *,
    level: str = SkillLevel.ADVANCED,
    years: int = 5,
) -> EngineerSkill:
    """Record that `who` has skill `what`."""
    row = EngineerSkill(engineer_id=who.id, skill_id=what.id, level=level, years=years)
    session.add(row)
    await session.flush()
    return row


async def join_sector(session: AsyncSession, who: Engineer, what: Sector) -> EngineerSector:
    """Tag `who` with sector `what`."""
    row = EngineerSector(engineer_id=who.id, sector_id=what.id)
    session.add(row)
    await session.flush()
    return row


async def position(session: AsyncSession, who: Engineer, **overrides: Any) -> Position:
    """A current position abroad."""
    values: dict[str, Any] = {
        "engineer_id": who.id,
        "title": "Senior Engineer",
        "organization": "Siemens Energy",
        "country_code": "AE",
        "city": "Dubai",
        "start_date": date(2020, 1, 1),
        "end_date": None,
    }
    values.update(overrides)
    row = Position(**values)
    session.add(row)
    await session.flush()
    return row


async def chapter(session: AsyncSession, slug: str = "gulf-uae") -> Chapter:
    """A chapter synced from chapters_config/ (present in every test database)."""
    row = await session.scalar(select(Chapter).where(Chapter.slug == slug))
    assert row is not None, f"no chapter {slug} in chapters_config/"
    return row


async def membership(
    session: AsyncSession, who: Engineer, where: Chapter, **overrides: Any
) -> Membership:
    """An active member, joined a little after the previous one."""
    number = _next()
    values: dict[str, Any] = {
        "engineer_id": who.id,
        "chapter_id": where.id,
        "role": "member",
        "status": MembershipStatus.ACTIVE,
        "since": datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=number),
    }
    values.update(overrides)
    row = Membership(**values)
    session.add(row)
    await session.flush()
    return row


async def institution(session: AsyncSession, **overrides: Any) -> Institution:
    """A verified university in Islamabad."""
    number = _next()
    values: dict[str, Any] = {
        "slug": f"university-{number}",
        "name": f"Test University {number}",
        "kind": InstitutionKind.UNIVERSITY,
        "country_code": "PK",
        "city": "Islamabad",
        "verified": True,
    }
    values.update(overrides)
    row = Institution(**values)
    session.add(row)
    await session.flush()
    return row


async def affiliation(
    session: AsyncSession, who: Engineer, where: Institution, **overrides: Any
) -> Affiliation:
    """A staff role."""
    values: dict[str, Any] = {
        "engineer_id": who.id,
        "institution_id": where.id,
        "role": "Professor",
        "since": date(2019, 9, 1),
    }
    values.update(overrides)
    row = Affiliation(**values)
    session.add(row)
    await session.flush()
    return row


async def account(session: AsyncSession, who: Engineer, **overrides: Any) -> Account:
    """A verified account for `who` (password hash only when given)."""
    values: dict[str, Any] = {
        "engineer_id": who.id,
        "email": f"{who.handle}@example.org",
        "email_verified_at": datetime(2024, 1, 1, tzinfo=UTC),
    }
    values.update(overrides)
    row = Account(**values)
    session.add(row)
    await session.flush()
    return row


async def consent_grant(
    session: AsyncSession,
    who: Engineer,
    to: Institution,
    fields: list[str],
    **overrides: Any,
) -> ConsentGrant:
    """A live grant of `fields` to an institution for thirty days (override expires_at,
    revoked_at)."""
    values: dict[str, Any] = {
        "engineer_id": who.id,
        "institution_id": to.id,
        "fields": fields,
        "purpose": "Research collaboration",
        "expires_at": datetime.now(UTC) + timedelta(days=30),
    }
    values.update(overrides)
    row = ConsentGrant(**values)
    session.add(row)
    await session.flush()
    return row


async def forum_category(session: AsyncSession, **overrides: Any) -> ForumCategory:
    """A public global category unless told otherwise (pass chapter_id with kind=CHAPTER)."""
    number = _next()
    values: dict[str, Any] = {
        "slug": f"category-{number}",
        "name": f"Category {number}",
        "description": "Questions and answers.",
        "kind": "GLOBAL",
        "position": number % 10000,
    }
    values.update(overrides)
    row = ForumCategory(**values)
    session.add(row)
    await session.flush()
    return row


async def forum_thread(
    session: AsyncSession, where: ForumCategory, who: Engineer, **overrides: Any
) -> ForumThread:
    """A thread started a little after the previous one."""
    number = _next()
    started = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=number)
    values: dict[str, Any] = {
        "category_id": where.id,
        "author_id": who.id,
        "title": f"Thread {number}: grid code compliance",
        "body": "How do you handle grid code compliance for rooftop solar?",
        "tags": ["solar"],
        "created_at": started,
        "last_posted_at": started,
    }
    values.update(overrides)
    row = ForumThread(**values)
    session.add(row)
    await session.flush()
    return row


async def forum_post(
    session: AsyncSession, where: ForumThread, who: Engineer, **overrides: Any
) -> ForumPost:
    """A reply posted a little after the previous one (the trigger counts it on its thread)."""
    number = _next()
    values: dict[str, Any] = {
        "thread_id": where.id,
        "author_id": who.id,
        "body": f"Reply {number}: follow the distribution code.",
        "created_at": datetime(2025, 2, 1, tzinfo=UTC) + timedelta(minutes=number),
    }
    values.update(overrides)
    row = ForumPost(**values)
    session.add(row)
    await session.flush()
    return row


async def forum_vote(
    session: AsyncSession, on: ForumPost, who: Engineer, value: int = 1
) -> ForumVote:
    """A vote (the trigger adds it to the post's score)."""
    row = ForumVote(post_id=on.id, engineer_id=who.id, value=value)
    session.add(row)
    await session.flush()
    return row
