"""SELECTs for chapters and memberships."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Select,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.driver import fetchrow, in_session
from db.enums import JoinPolicy, MembershipStatus
from db.models import Chapter, Membership
from db.queries.pagination import Ordering
from db.queries.viewer_ids import any_of

CHAPTER_ORDERINGS: dict[str, Ordering] = {
    "NAME_ASC": Ordering("NAME_ASC", ("name", "id")),
    "NAME_DESC": Ordering("NAME_DESC", ("name", "id"), descending=True),
}
MEMBERSHIP_ORDERING = Ordering("SINCE_ASC", ("since", "id"))


def chapters(*, include_archived: bool = False) -> Select[Chapter]:
    """SELECT chapters, live ones only unless asked."""
    stmt = select(Chapter)
    if not include_archived:
        stmt = stmt.where(Chapter.archived_at.is_(None))
    return stmt


@dataclass(frozen=True)
class MembershipScope:
    """Which memberships a viewer may see: these statuses anywhere, every status in some
    chapters, every status of their own, or (unrestricted) everything."""

    public_statuses: tuple[str, ...]
    chapter_ids: tuple[int, ...] = ()
    engineer_id: int | None = None
    unrestricted: bool = False

    def predicate(self) -> ColumnElement[bool]:
        """SQL predicate on memberships."""
        if self.unrestricted:
            return true()
        conditions: list[ColumnElement[bool]] = [Membership.status.in_(self.public_statuses)]
        if self.chapter_ids:
            conditions.append(any_of(Membership.chapter_id, self.chapter_ids))
        if self.engineer_id is not None:
            conditions.append(Membership.engineer_id == self.engineer_id)
        return or_(*conditions)


def memberships(
    scope: MembershipScope, roles: Sequence[str] = (), statuses: Sequence[str] = ()
) -> Select[Membership]:
    """SELECT memberships the scope allows (in these roles and statuses, when given)."""
    stmt = select(Membership).where(scope.predicate())
    if roles:
        stmt = stmt.where(Membership.role.in_(roles))
    if statuses:
        stmt = stmt.where(Membership.status.in_(statuses))
    return stmt


async def get_by_slug(session: AsyncSession, slug: str) -> Chapter | None:
    """The chapter with this slug, archived or not."""
    return await session.scalar(select(Chapter).where(Chapter.slug == slug))


async def visible_membership_for_update(
    session: AsyncSession, membership_id: int, rule: ColumnElement[bool]
) -> Membership | None:
    """The membership, locked, if the rule (a predicate on memberships) admits it."""
    stmt = select(Membership).where(Membership.id == membership_id, rule).with_for_update()
    return (await session.scalars(stmt)).first()


@dataclass(frozen=True)
class JoinTarget:
    """What joining a chapter found: which refusals hold, and the membership it inserted."""

    refusals: tuple[bool, ...]
    """Whether each of the caller's refusal conditions holds, in their order."""
    joined: Membership | None = None
    """The membership the same statement inserted (none of the refusals held); None: none."""


JOIN_FACTS = """
WITH target AS MATERIALIZED (
    SELECT chapters.id, chapters.archived_at IS NOT NULL AS archived, chapters.join_policy,
        (SELECT memberships.status FROM memberships
         WHERE memberships.chapter_id = chapters.id AND memberships.engineer_id = $2
         FOR UPDATE) AS existing
    FROM chapters WHERE chapters.id = $1
),
joined AS (
    INSERT INTO memberships (chapter_id, engineer_id, role, status)
    SELECT target.id, $2, $3, CASE WHEN target.join_policy = $4 THEN $5 ELSE $6 END
    FROM target
    WHERE NOT ({refused})
    RETURNING id, status, since
)
SELECT joined.id, joined.status, joined.since, {verdicts}
FROM target LEFT JOIN joined ON true
"""
"""The chapter's facts (`target.archived`, `target.join_policy`, and `target.existing`: the
status of the engineer's membership there, locked, or NULL) and — where none of the caller's
refusal conditions over them holds — the new membership (ACTIVE in an open chapter, else
PENDING), in one statement on the session's driver connection (db.driver)."""


@lru_cache(maxsize=8)
def join_statement(refusals: tuple[str, ...]) -> str:
    """JOIN_FACTS whose insert runs where no refusal holds and which answers each one."""
    verdicts = [f"({condition}) IS TRUE" for condition in refusals]
    return JOIN_FACTS.format(refused=" OR ".join(verdicts), verdicts=", ".join(verdicts))


async def get_join_target(
    session: AsyncSession, chapter_id: int, engineer_id: int, role: str, refusals: tuple[str, ...]
) -> JoinTarget | None:
    """Which `refusals` (SQL conditions over the chapter's facts, see JOIN_FACTS) hold, and
    the membership (`role`) the same statement added where none does (the caller turns a
    refusal into its error, which rolls the transaction back); None when there is no such
    chapter."""
    row = await fetchrow(
        session,
        join_statement(refusals),
        chapter_id,
        engineer_id,
        role,
        JoinPolicy.OPEN.value,
        MembershipStatus.ACTIVE.value,
        MembershipStatus.PENDING.value,
    )
    if row is None:
        return None
    key, joined_status, since, *verdicts = row
    joined = None
    if key is not None:
        joined = in_session(
            session,
            Membership(
                id=key,
                chapter_id=chapter_id,
                engineer_id=engineer_id,
                role=role,
                status=joined_status,
                since=since,
            ),
        )
    return JoinTarget(tuple(bool(verdict) for verdict in verdicts), joined)
