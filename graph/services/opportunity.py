"""Opportunity rules: who may post and see one, its status (EXPIRED read from the deadline)."""

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    Discipline,
    EngagementKind,
    MembershipStatus,
    OpportunityStatus,
    OpportunityVisibility,
    SkillLevel,
)
from db.models import (
    Invitation,
    Membership,
    Opportunity,
    OpportunityChapter,
    OpportunitySector,
    OpportunitySkill,
)
from db.models.opportunity import DESCRIPTION_MAX, TITLE_MAX
from db.queries.opportunity import OpportunityFilter
from graph.auth.viewer import Viewer
from graph.services.engineer import SLUG, check_list, check_search
from graph.services.problems import Problem, Rejected, reject
from graph.services.seeker import acts_for_seeker, seeker_side


class OpportunityErrorCode(enum.Enum):
    """Why an opportunity mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    NOT_SEEKER = "NOT_SEEKER"
    NOT_STAFF = "NOT_STAFF"
    INVALID_TITLE = "INVALID_TITLE"
    INVALID_DESCRIPTION = "INVALID_DESCRIPTION"
    INVALID_EFFORT = "INVALID_EFFORT"
    INVALID_TIMEZONE_WINDOW = "INVALID_TIMEZONE_WINDOW"
    INVALID_LOCATION = "INVALID_LOCATION"
    INVALID_DEADLINE = "INVALID_DEADLINE"
    INVALID_VISIBILITY = "INVALID_VISIBILITY"
    CANNOT_PUBLISH = "CANNOT_PUBLISH"
    CANNOT_CLOSE = "CANNOT_CLOSE"
    CANNOT_REOPEN = "CANNOT_REOPEN"
    CANNOT_FILL = "CANNOT_FILL"


@dataclass(frozen=True)
class OpportunityDraft:
    """What a seeker fills in to post an opportunity."""

    kind: EngagementKind
    title: str
    hours_per_month: int
    duration_months: int
    description: str = ""
    sector_ids: Sequence[int] = ()
    skills: Sequence[tuple[int, SkillLevel]] = ()
    disciplines: Sequence[Discipline] = ()
    timezone_window: tuple[int, int] = (0, 24)
    languages: Sequence[str] = ()
    remote: bool = True
    country_code: str | None = None
    city: str | None = None
    deadline: datetime | None = None
    visibility: OpportunityVisibility = OpportunityVisibility.PUBLIC
    chapter_ids: Sequence[int] = field(default_factory=tuple)


def effective_status(status: str, deadline: datetime | None, now: datetime) -> OpportunityStatus:
    """The status everyone reads: an OPEN opportunity past its deadline is EXPIRED."""
    if status == OpportunityStatus.OPEN and deadline is not None and deadline <= now:
        return OpportunityStatus.EXPIRED
    return OpportunityStatus(status)


def visible_to(viewer: Viewer) -> ColumnElement[bool]:
    """SQL: the viewer may see the opportunity row.

    The seeker side and council admins see everything of theirs (drafts included); others see
    non-drafts that are PUBLIC, CHAPTER ones when an active member of a named chapter, and
    INVITED ones when invited.
    """
    if viewer.is_council_admin:
        return Opportunity.id.is_not(None)
    mine = seeker_side(viewer, Opportunity.poster_id, Opportunity.institution_id)
    if viewer.engineer_id is None:
        audience: ColumnElement[bool] = Opportunity.visibility == OpportunityVisibility.PUBLIC
    else:
        in_chapter = (
            select(OpportunityChapter.opportunity_id)
            .join(Membership, Membership.chapter_id == OpportunityChapter.chapter_id)
            .where(
                OpportunityChapter.opportunity_id == Opportunity.id,
                Membership.engineer_id == viewer.engineer_id,
                Membership.status == MembershipStatus.ACTIVE,
            )
            .exists()
        )
        invited = exists().where(
            Invitation.opportunity_id == Opportunity.id,
            Invitation.engineer_id == viewer.engineer_id,
        )
        audience = or_(
            Opportunity.visibility == OpportunityVisibility.PUBLIC,
            and_(Opportunity.visibility == OpportunityVisibility.CHAPTER, in_chapter),
            and_(Opportunity.visibility == OpportunityVisibility.INVITED, invited),
        )
    return or_(mine, and_(Opportunity.status != OpportunityStatus.DRAFT, audience))


async def readable(session: AsyncSession, viewer: Viewer, opportunity_id: int) -> Opportunity:
    """The opportunity if the viewer may see it; NOT_FOUND otherwise (existence not leaked)."""
    row = await session.scalar(
        select(Opportunity).where(Opportunity.id == opportunity_id, visible_to(viewer))
    )
    if row is None:
        raise reject(OpportunityErrorCode.NOT_FOUND, "No such opportunity.", "id")
    return row


def _validate(draft: OpportunityDraft, now: datetime) -> list[Problem]:
    """Every problem with the draft at once."""
    problems: list[Problem] = []
    code = OpportunityErrorCode
    if not 3 <= len(draft.title.strip()) <= TITLE_MAX:
        problems.append(Problem(code.INVALID_TITLE, "Titles are 3 to 200 characters.", ("title",)))
    if len(draft.description) > DESCRIPTION_MAX:
        problems.append(
            Problem(code.INVALID_DESCRIPTION, "The description is too long.", ("description",))
        )
    if not (1 <= draft.hours_per_month <= 200 and 1 <= draft.duration_months <= 60):
        problems.append(
            Problem(code.INVALID_EFFORT, "Effort is 1-200 h/month for 1-60 months.", ("effort",))
        )
    start, end = draft.timezone_window
    if not (0 <= start < end <= 24):
        problems.append(
            Problem(
                code.INVALID_TIMEZONE_WINDOW,
                "The window runs from a UTC hour 0-23 to a later hour up to 24.",
                ("timezoneWindow",),
            )
        )
    if not draft.remote and not draft.city:
        problems.append(
            Problem(code.INVALID_LOCATION, "On-site opportunities name a city.", ("city",))
        )
    if draft.deadline is not None and draft.deadline <= now:
        problems.append(
            Problem(code.INVALID_DEADLINE, "The deadline must be in the future.", ("deadline",))
        )
    if (draft.visibility is OpportunityVisibility.CHAPTER) != bool(draft.chapter_ids):
        problems.append(
            Problem(
                code.INVALID_VISIBILITY,
                "CHAPTER visibility names chapters, and only it does.",
                ("chapters",),
            )
        )
    return problems


async def create(
    session: AsyncSession,
    viewer: Viewer,
    draft: OpportunityDraft,
    *,
    institution_id: int | None = None,
) -> Opportunity:
    """Post a DRAFT for the viewer, or on an institution's behalf when they act for it."""
    if institution_id is not None and not await acts_for_seeker(
        session, viewer, None, institution_id
    ):
        raise reject(OpportunityErrorCode.NOT_STAFF, "You do not act for that institution.")
    if institution_id is None and viewer.engineer_id is None:
        raise reject(OpportunityErrorCode.NOT_SEEKER, "A client posts for its institution.")
    problems = _validate(draft, datetime.now(UTC))
    if problems:
        raise Rejected(problems)
    row = Opportunity(
        kind=draft.kind.value,
        title=draft.title.strip(),
        description=draft.description,
        poster_id=viewer.engineer_id,
        institution_id=institution_id,
        disciplines=[discipline.value for discipline in draft.disciplines],
        hours_per_month=draft.hours_per_month,
        duration_months=draft.duration_months,
        timezone_window_start=draft.timezone_window[0],
        timezone_window_end=draft.timezone_window[1],
        languages=list(draft.languages),
        remote=draft.remote,
        country_code=draft.country_code,
        city=draft.city,
        deadline=draft.deadline,
        visibility=draft.visibility.value,
        status=OpportunityStatus.DRAFT.value,
    )
    session.add(row)
    await session.flush()
    session.add_all(
        [OpportunitySector(opportunity_id=row.id, sector_id=sid) for sid in set(draft.sector_ids)]
        + [
            OpportunitySkill(opportunity_id=row.id, skill_id=sid, minimum_level=level.value)
            for sid, level in dict(draft.skills).items()
        ]
        + [
            OpportunityChapter(opportunity_id=row.id, chapter_id=cid)
            for cid in set(draft.chapter_ids)
        ]
    )
    await session.flush()
    return row


# action → (statuses it may start from, status it leads to, error code)
TRANSITIONS: dict[str, tuple[frozenset[OpportunityStatus], OpportunityStatus, OpportunityErrorCode]]
TRANSITIONS = {
    "publish": (
        frozenset({OpportunityStatus.DRAFT}),
        OpportunityStatus.OPEN,
        OpportunityErrorCode.CANNOT_PUBLISH,
    ),
    "close": (
        frozenset({OpportunityStatus.DRAFT, OpportunityStatus.OPEN, OpportunityStatus.EXPIRED}),
        OpportunityStatus.CLOSED,
        OpportunityErrorCode.CANNOT_CLOSE,
    ),
    "reopen": (
        frozenset({OpportunityStatus.CLOSED, OpportunityStatus.FILLED}),
        OpportunityStatus.OPEN,
        OpportunityErrorCode.CANNOT_REOPEN,
    ),
    "fill": (
        frozenset({OpportunityStatus.OPEN}),
        OpportunityStatus.FILLED,
        OpportunityErrorCode.CANNOT_FILL,
    ),
}


async def transition(
    session: AsyncSession, viewer: Viewer, opportunity_id: int, action: str
) -> Opportunity:
    """Move the opportunity along its lifecycle; only the seeker side may."""
    row = await readable(session, viewer, opportunity_id)
    if not await acts_for_seeker(session, viewer, row.poster_id, row.institution_id):
        raise reject(OpportunityErrorCode.NOT_SEEKER, "Only the seeker side may do this.")
    sources, target, code = TRANSITIONS[action]
    now = datetime.now(UTC)
    current = effective_status(row.status, row.deadline, now)
    if current not in sources:
        raise reject(code, f"Cannot {action} an opportunity that is {current.value}.", "id")
    if target is OpportunityStatus.OPEN and row.deadline is not None and row.deadline <= now:
        raise reject(code, "The deadline has passed: move it before opening.", "deadline")
    row.status = target.value
    await session.flush()
    return row


def criteria(
    *,
    kinds: Sequence[str] | None = None,
    sectors: Sequence[str] | None = None,
    skills: Sequence[str] | None = None,
    statuses: Sequence[str] | None = None,
    institution: str | None = None,
    chapter: str | None = None,
    remote: bool | None = None,
    search: str | None = None,
) -> OpportunityFilter:
    """An opportunity list's filter, checked (list sizes, slug shapes, search length) the same
    way for both read paths; BadUserInput when something is malformed."""
    return OpportunityFilter(
        kinds=check_list("kinds", kinds),
        sectors=check_list("sectors", sectors, SLUG),
        skills=check_list("skills", skills, SLUG),
        statuses=check_list("status", statuses),
        institution=institution[:64] if institution is not None else None,
        chapter=chapter[:64] if chapter is not None else None,
        remote=remote,
        search=check_search(search),
    )
