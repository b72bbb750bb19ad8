"""A consultancy contract's life after the award: priced milestones submitted, accepted (into
the ledger) or sent back for rework, completion, and one review from each side."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.cpd import CpdConfig
from db.enums import EngagementStatus, MilestoneStatus, NotificationKind
from db.models import ConsultancyProposal, ContractMilestone, Engagement, Feedback, Milestone
from graph.auth.viewer import Viewer
from graph.services import engagement as engagements
from graph.services.consultancy import Code, check_text, seeker_of
from graph.services.notification import notify
from graph.services.problems import reject
from graph.services.seeker import acts_for_seeker

COMMENT_MAX = 5_000
"""Longest review text (engagement feedback's own limit)."""


async def _contract(
    session: AsyncSession, viewer: Viewer, engagement_id: int
) -> tuple[Engagement, bool, bool]:
    """The contract engagement (row-locked) and whether the viewer is its contributor, its
    seeker side; NOT_FOUND for anyone else and for engagements no award created."""
    row = await session.get(Engagement, engagement_id, with_for_update=True)
    awarded = await session.scalar(
        select(ConsultancyProposal.id).where(ConsultancyProposal.engagement_id == engagement_id)
    )
    if row is None or awarded is None:
        raise reject(Code.NOT_FOUND, "No such contract.", "engagement")
    contributor = viewer.engineer_id is not None and viewer.engineer_id == row.contributor_id
    seeker = await acts_for_seeker(session, viewer, row.seeker_id, row.institution_id)
    if not contributor and not seeker:
        raise reject(Code.NOT_FOUND, "No such contract.", "engagement")
    return row, contributor, seeker


async def _milestone(
    session: AsyncSession, viewer: Viewer, milestone_id: int
) -> tuple[Milestone, ContractMilestone, Engagement, bool, bool]:
    """A priced milestone (row-locked) and its contract, as _contract sees them."""
    terms = await session.get(ContractMilestone, milestone_id, with_for_update=True)
    milestone = await session.get(Milestone, milestone_id, with_for_update=True)
    if terms is None or milestone is None:
        raise reject(Code.NOT_FOUND, "No such contract milestone.", "milestone")
    row, contributor, seeker = await _contract(session, viewer, terms.engagement_id)
    return milestone, terms, row, contributor, seeker


async def submit_milestone(
    session: AsyncSession, viewer: Viewer, milestone_id: int, note: str
) -> Milestone:
    """The contributor submits a PLANNED milestone of an ACTIVE contract for acceptance."""
    milestone, terms, row, contributor, _ = await _milestone(session, viewer, milestone_id)
    if not contributor:
        raise reject(Code.NOT_CONTRIBUTOR, "Only the contributor submits work.")
    if row.status != EngagementStatus.ACTIVE:
        raise reject(Code.CONTRACT_NOT_ACTIVE, f"The contract is {row.status}.")
    if milestone.status == MilestoneStatus.DONE:
        raise reject(Code.ALREADY_SUBMITTED, "The milestone awaits acceptance.")
    if milestone.status == MilestoneStatus.COUNTERSIGNED:
        raise reject(Code.ALREADY_ACCEPTED, "The milestone was accepted.")
    terms.submission_note = check_text(note, "note", required=False)
    terms.submitted_at = await session.scalar(select(func.now()))
    milestone.status = MilestoneStatus.DONE.value
    await session.flush()
    await notify(
        session,
        await seeker_of(session, row),
        NotificationKind.CONTRACT_MILESTONE_SUBMITTED,
        engagement_id=row.id,
        payload={"milestoneId": milestone.id},
    )
    return milestone


def _must_be_submitted(milestone: Milestone) -> None:
    if milestone.status == MilestoneStatus.PLANNED:
        raise reject(Code.NOT_SUBMITTED, "The milestone has not been submitted.", "milestone")
    if milestone.status == MilestoneStatus.COUNTERSIGNED:
        raise reject(Code.ALREADY_ACCEPTED, "The milestone was accepted.", "milestone")


async def accept_milestone(
    session: AsyncSession, viewer: Viewer, milestone_id: int, config: CpdConfig
) -> Milestone:
    """The seeker side accepts a submitted milestone: countersigned, it enters the ledger."""
    milestone, _, row, _, seeker = await _milestone(session, viewer, milestone_id)
    if not seeker:
        raise reject(Code.NOT_STAFF, "Only the institution's staff accept work.")
    _must_be_submitted(milestone)
    accepted = await engagements.countersign_milestone(session, viewer, milestone_id, config)
    await notify(
        session,
        [row.contributor_id],
        NotificationKind.CONTRACT_MILESTONE_ACCEPTED,
        engagement_id=row.id,
        payload={"milestoneId": milestone.id},
    )
    return accepted


async def rework_milestone(
    session: AsyncSession, viewer: Viewer, milestone_id: int, note: str
) -> Milestone:
    """The seeker side sends a submitted milestone back, saying what to change."""
    milestone, terms, row, _, seeker = await _milestone(session, viewer, milestone_id)
    if not seeker:
        raise reject(Code.NOT_STAFF, "Only the institution's staff ask for rework.")
    _must_be_submitted(milestone)
    terms.rework_note = check_text(note, "note")
    terms.rework_count += 1
    milestone.status = MilestoneStatus.PLANNED.value
    await session.flush()
    await notify(
        session,
        [row.contributor_id],
        NotificationKind.CONTRACT_MILESTONE_REWORK,
        engagement_id=row.id,
        payload={"milestoneId": milestone.id},
    )
    return milestone


async def complete(
    session: AsyncSession, viewer: Viewer, engagement_id: int, *, request_id: str = ""
) -> Engagement:
    """The seeker side completes an ACTIVE contract once every milestone is accepted."""
    row, _, seeker = await _contract(session, viewer, engagement_id)
    if not seeker:
        raise reject(Code.NOT_STAFF, "Only the institution's staff complete a contract.")
    if row.status != EngagementStatus.ACTIVE:
        raise reject(Code.CONTRACT_NOT_ACTIVE, f"The contract is {row.status}.")
    open_ones = await session.scalar(
        select(func.count())
        .select_from(Milestone)
        .where(
            Milestone.engagement_id == row.id,
            Milestone.status != MilestoneStatus.COUNTERSIGNED,
        )
    )
    if open_ones:
        raise reject(Code.MILESTONES_OUTSTANDING, f"{open_ones} milestone(s) are not accepted yet.")
    return await engagements.transition(session, viewer, row.id, "complete", request_id=request_id)


async def review(
    session: AsyncSession, viewer: Viewer, engagement_id: int, *, rating: int, comment: str
) -> Feedback:
    """Each side reviews the other once a contract is COMPLETED (1-5 and text), once a side:
    the institution's staff review the contributor, the contributor the institution (its
    awarding staff member is the subject)."""
    row, contributor, seeker = await _contract(session, viewer, engagement_id)
    if viewer.engineer_id is None:
        raise reject(Code.NOT_PARTY, "Reviews come from a signed-in engineer.")
    if row.status != EngagementStatus.COMPLETED:
        raise reject(Code.NOT_COMPLETED, f"The contract is {row.status}.")
    if not 1 <= rating <= 5:
        raise reject(Code.INVALID_RATING, "Ratings run from 1 to 5.", "rating")
    text = check_text(comment, "comment", required=False, limit=COMMENT_MAX)
    side = Feedback.author_id == row.contributor_id
    given = await session.scalar(
        select(Feedback.id).where(Feedback.engagement_id == row.id, side if contributor else ~side)
    )
    if given is not None:
        raise reject(Code.ALREADY_REVIEWED, "Your side has already reviewed this contract.")
    subject = row.seeker_id if contributor else row.contributor_id
    if subject is None or not (contributor or seeker):
        raise reject(Code.NOT_PARTY, "There is no one on the other side to review.")
    feedback = Feedback(
        engagement_id=row.id,
        author_id=viewer.engineer_id,
        subject_id=subject,
        rating=rating,
        comment=text,
    )
    session.add(feedback)
    await session.flush()
    await notify(
        session,
        [subject],
        NotificationKind.CONTRACT_REVIEWED,
        engagement_id=row.id,
        payload={"feedbackId": feedback.id, "rating": rating},
    )
    return feedback
