"""Hall of Fame rules: nominations citing the nominee's own work, council votes in yearly
rounds, and induction when a round closes (quorum and majority from the config file)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Exists, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EvidenceKind, HallOfFameRoundStatus, NominationStatus, NotificationKind
from db.hall_of_fame_config import HallOfFameConfig, load_hall_of_fame_config
from db.models import (
    Engagement,
    Engineer,
    Event,
    EventSpeaker,
    ForumPost,
    ForumThread,
    HallOfFameEvidence,
    HallOfFameNomination,
    HallOfFameRound,
    HallOfFameVote,
    LedgerEntry,
)
from db.models.hall_of_fame import CITATION_MAX, CITATION_MIN, EVIDENCE_MAX
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.errors import BadUserInput
from graph.ids import decode_id
from graph.reads import hall_of_fame as rules
from graph.services import audit
from graph.services.hall_of_fame_errors import HallOfFameErrorCode
from graph.services.notification import notify
from graph.services.problems import reject

YEAR_MIN, YEAR_MAX = 2000, 2200


Code = HallOfFameErrorCode

EVIDENCE_TYPES: dict[str, EvidenceKind] = {
    "LedgerEntry": EvidenceKind.LEDGER_ENTRY,
    "Engagement": EvidenceKind.ENGAGEMENT,
    "Event": EvidenceKind.EVENT_SPOKEN_AT,
    "ForumPost": EvidenceKind.ACCEPTED_ANSWER,
}
"""The global ID types a citation may link, and what each counts as."""


@cache
def config() -> HallOfFameConfig:
    """contributions_config/hall_of_fame.toml, validated once per process."""
    return load_hall_of_fame_config()


@dataclass(frozen=True)
class Cited:
    """One evidence item as given: its kind and row id."""

    kind: EvidenceKind
    key: int


def parse_evidence(values: Sequence[str]) -> list[Cited]:
    """Decode the cited global IDs (kinds, count, duplicates), rejecting bad input."""
    if not values:
        raise reject(Code.EVIDENCE_REQUIRED, "Link at least one piece of evidence.", "evidence")
    if len(values) > EVIDENCE_MAX:
        raise reject(
            Code.TOO_MUCH_EVIDENCE, f"Link at most {EVIDENCE_MAX} pieces of evidence.", "evidence"
        )
    cited: list[Cited] = []
    for index, value in enumerate(values):
        try:
            decoded = decode_id(value)
        except BadUserInput:
            decoded = None
        kind = EVIDENCE_TYPES.get(decoded.type_name) if decoded is not None else None
        if decoded is None or kind is None:
            raise reject(
                Code.INVALID_ID,
                "Evidence is the ID of a ledger entry, an engagement, an event or a forum post.",
                "evidence",
                str(index),
            )
        item = Cited(kind, decoded.key)
        if item in cited:
            raise reject(
                Code.DUPLICATE_EVIDENCE, "Evidence is linked twice.", "evidence", str(index)
            )
        cited.append(item)
    return cited


async def _check_evidence(
    session: AsyncSession,
    viewer: Viewer,
    registry: ChapterRegistry,
    nominee_id: int,
    cited: Sequence[Cited],
) -> None:
    """Each item exists, the nominator may see it (its own read rule), and it is the nominee's:
    their ledger entry, an engagement they contributed to, an event they spoke at, a forum
    answer of theirs that was accepted."""
    for index, item in enumerate(cited):
        visible, owned = _item_checks(viewer, registry, item, nominee_id)
        found = (await session.execute(select(visible, owned))).one()
        if not found[0]:
            raise reject(
                Code.EVIDENCE_NOT_FOUND, "No such evidence you may see.", "evidence", str(index)
            )
        if not found[1]:
            raise reject(
                Code.EVIDENCE_NOT_NOMINEES,
                "This evidence is not the nominee's own work.",
                "evidence",
                str(index),
            )


def _item_checks(
    viewer: Viewer, registry: ChapterRegistry, item: Cited, nominee_id: int
) -> tuple[Exists, Exists]:
    key = item.key
    if item.kind is EvidenceKind.LEDGER_ENTRY:
        return (
            exists().where(LedgerEntry.id == key, rules.ledger_entry_rule(viewer, registry)),
            exists().where(LedgerEntry.id == key, LedgerEntry.engineer_id == nominee_id),
        )
    if item.kind is EvidenceKind.ENGAGEMENT:
        return (
            exists().where(Engagement.id == key, rules.engagement_rule(viewer, registry)),
            exists().where(Engagement.id == key, Engagement.contributor_id == nominee_id),
        )
    if item.kind is EvidenceKind.EVENT_SPOKEN_AT:
        return (
            exists().where(Event.id == key, rules.event_rule(viewer, registry)),
            exists().where(EventSpeaker.event_id == key, EventSpeaker.engineer_id == nominee_id),
        )
    return (
        exists().where(ForumPost.id == key, rules.forum_post_rule(viewer, registry)),
        exists().where(
            ForumPost.id == key,
            ForumPost.author_id == nominee_id,
            ForumThread.accepted_post_id == ForumPost.id,
        ),
    )


def _citation(text: str) -> str:
    cleaned = text.strip()
    if not CITATION_MIN <= len(cleaned) <= CITATION_MAX:
        raise reject(
            Code.INVALID_CITATION,
            f"A citation has {CITATION_MIN} to {CITATION_MAX} characters.",
            "citation",
        )
    return cleaned


async def open_round(session: AsyncSession) -> HallOfFameRound | None:
    """The round taking nominations, if any (locked for the caller's transaction)."""
    return await session.scalar(
        select(HallOfFameRound)
        .where(HallOfFameRound.status == HallOfFameRoundStatus.OPEN.value)
        .with_for_update()
    )


async def nominate(
    session: AsyncSession,
    viewer: Viewer,
    registry: ChapterRegistry,
    nominee: str,
    citation: str,
    evidence: Sequence[str],
) -> HallOfFameNomination:
    """Nominate an engineer in the open round, citing evidence of their own work."""
    nominator_id = viewer.engineer_id
    assert nominator_id is not None
    try:
        nominee_key = decode_id(nominee)
    except BadUserInput:
        nominee_key = None
    if nominee_key is None or nominee_key.type_name != "Engineer":
        raise reject(Code.INVALID_ID, "Not the ID of an Engineer.", "nominee")
    if await session.get(Engineer, nominee_key.key) is None:
        raise reject(Code.NOT_FOUND, "No such engineer.", "nominee")
    if nominee_key.key == nominator_id:
        raise reject(Code.SELF_NOMINATION, "You cannot nominate yourself.", "nominee")
    text = _citation(citation)
    cited = parse_evidence(evidence)
    current = await open_round(session)
    if current is None:
        raise reject(Code.NO_OPEN_ROUND, "No Hall of Fame round takes nominations now.")
    inducted = await session.scalar(
        select(
            exists().where(
                HallOfFameNomination.nominee_id == nominee_key.key,
                HallOfFameNomination.status == NominationStatus.INDUCTED.value,
            )
        )
    )
    if inducted:
        raise reject(Code.ALREADY_INDUCTED, "This engineer is in the Hall of Fame.", "nominee")
    duplicate = await session.scalar(
        select(
            exists().where(
                HallOfFameNomination.round_id == current.id,
                HallOfFameNomination.nominee_id == nominee_key.key,
                HallOfFameNomination.nominator_id == nominator_id,
            )
        )
    )
    if duplicate:
        raise reject(
            Code.DUPLICATE_NOMINATION, "You already nominated this engineer this year.", "nominee"
        )
    await _check_evidence(session, viewer, registry, nominee_key.key, cited)
    nomination = HallOfFameNomination(
        round_id=current.id,
        year=current.year,
        nominee_id=nominee_key.key,
        nominator_id=nominator_id,
        citation=text,
        status=NominationStatus.UNDER_REVIEW.value,
    )
    session.add(nomination)
    await session.flush()
    for position, item in enumerate(cited):
        session.add(
            HallOfFameEvidence(
                nomination_id=nomination.id,
                position=position,
                kind=item.kind.value,
                ledger_entry_id=item.key if item.kind is EvidenceKind.LEDGER_ENTRY else None,
                engagement_id=item.key if item.kind is EvidenceKind.ENGAGEMENT else None,
                event_id=item.key if item.kind is EvidenceKind.EVENT_SPOKEN_AT else None,
                forum_post_id=item.key if item.kind is EvidenceKind.ACCEPTED_ANSWER else None,
            )
        )
    await session.flush()
    return nomination


def _require_council(viewer: Viewer) -> None:
    if not viewer.is_council_admin:
        raise reject(Code.NOT_COUNCIL, "Only the council (council admins) may do this.")


async def vote(
    session: AsyncSession,
    viewer: Viewer,
    nomination_id: str,
    in_favour: bool,
    *,
    request_id: str,
) -> HallOfFameNomination:
    """A council member's one vote on a nomination under review in an open round; audited."""
    _require_council(viewer)
    voter_id = viewer.engineer_id
    assert voter_id is not None
    key = _key(nomination_id, "HallOfFameNomination", "nomination")
    nomination = await session.scalar(
        select(HallOfFameNomination).where(HallOfFameNomination.id == key).with_for_update()
    )
    if nomination is None:
        raise reject(Code.NOT_FOUND, "No such nomination.", "nomination")
    held = await session.get_one(HallOfFameRound, nomination.round_id)
    if (
        held.status != HallOfFameRoundStatus.OPEN.value
        or nomination.status != NominationStatus.UNDER_REVIEW.value
    ):
        raise reject(Code.ROUND_CLOSED, "This nomination's round is closed.", "nomination")
    if voter_id in (nomination.nominee_id, nomination.nominator_id):
        raise reject(
            Code.CONFLICT_OF_INTEREST,
            "You cannot vote on a nomination you made or that names you.",
            "nomination",
        )
    cast = await session.scalar(
        select(
            exists().where(HallOfFameVote.nomination_id == key, HallOfFameVote.voter_id == voter_id)
        )
    )
    if cast:
        raise reject(Code.ALREADY_VOTED, "You already voted on this nomination.", "nomination")
    row = HallOfFameVote(nomination_id=key, voter_id=voter_id, in_favour=in_favour)
    session.add(row)
    await session.flush()
    audit.record(
        session,
        viewer,
        "hall_of_fame.vote",
        nomination,
        chapter_id=None,
        before=None,
        after={"in_favour": in_favour},
        request_id=request_id,
    )
    return nomination


def _key(value: str, type_name: str, field: str) -> int:
    try:
        decoded = decode_id(value)
    except BadUserInput:
        decoded = None
    if decoded is None or decoded.type_name != type_name:
        raise reject(Code.INVALID_ID, f"Not the ID of a {type_name}.", field)
    return decoded.key


async def round_open(
    session: AsyncSession, viewer: Viewer, year: int, *, request_id: str
) -> HallOfFameRound:
    """Open the round of `year` (one round per year, one open at a time); audited."""
    _require_council(viewer)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise reject(Code.INVALID_YEAR, f"A year from {YEAR_MIN} to {YEAR_MAX}.", "year")
    if await session.scalar(select(exists().where(HallOfFameRound.year == year))):
        raise reject(Code.ROUND_EXISTS, "That year already has a round.", "year")
    if await open_round(session) is not None:
        raise reject(Code.ROUND_ALREADY_OPEN, "Close the open round first.", "year")
    held = HallOfFameRound(year=year, status=HallOfFameRoundStatus.OPEN.value)
    session.add(held)
    await session.flush()
    audit.record(
        session,
        viewer,
        "hall_of_fame.round_open",
        held,
        chapter_id=None,
        before=None,
        after={"year": year},
        request_id=request_id,
    )
    return held


async def round_close(
    session: AsyncSession, viewer: Viewer, round_id: str, *, request_id: str
) -> HallOfFameRound:
    """Close a round: every nomination under review with quorum and a majority in favour is
    inducted, the rest are not; nominees inducted and nominators hear of it; audited."""
    _require_council(viewer)
    key = _key(round_id, "HallOfFameRound", "round")
    held = await session.scalar(
        select(HallOfFameRound).where(HallOfFameRound.id == key).with_for_update()
    )
    if held is None:
        raise reject(Code.NOT_FOUND, "No such round.", "round")
    if held.status != HallOfFameRoundStatus.OPEN.value:
        raise reject(Code.ROUND_CLOSED, "This round is already closed.", "round")
    # Lock the round's nominations first: a vote in flight either commits before the tally
    # reads it or waits and then finds its nomination decided (ROUND_CLOSED).
    await session.execute(
        select(HallOfFameNomination.id)
        .where(HallOfFameNomination.round_id == key)
        .order_by(HallOfFameNomination.id)
        .with_for_update()
    )
    tallies = await session.execute(
        select(
            HallOfFameNomination,
            func.count(HallOfFameVote.id).filter(HallOfFameVote.in_favour.is_(True)),
            func.count(HallOfFameVote.id).filter(HallOfFameVote.in_favour.is_(False)),
        )
        .outerjoin(HallOfFameVote, HallOfFameVote.nomination_id == HallOfFameNomination.id)
        .where(
            HallOfFameNomination.round_id == key,
            HallOfFameNomination.status == NominationStatus.UNDER_REVIEW.value,
        )
        .group_by(HallOfFameNomination.id)
        .order_by(HallOfFameNomination.id)
    )
    rules_in_force = config()
    now = datetime.now(UTC)
    inducted: list[HallOfFameNomination] = []
    declined: list[HallOfFameNomination] = []
    for nomination, in_favour, against in tallies:
        chosen = rules_in_force.inducts(in_favour, against)
        nomination.status = (
            NominationStatus.INDUCTED if chosen else NominationStatus.NOT_INDUCTED
        ).value
        nomination.decided_at = now
        (inducted if chosen else declined).append(nomination)
    held.status = HallOfFameRoundStatus.CLOSED.value
    held.closed_at = now
    await session.flush()
    for nomination in inducted:
        payload = {"year": held.year, "nomination": nomination.id}
        await notify(
            session,
            [nomination.nominee_id],
            NotificationKind.HALL_OF_FAME_INDUCTED,
            actor_id=viewer.engineer_id,
            payload={**payload, "summary": f"You were inducted into the {held.year} Hall of Fame"},
        )
    for nomination in (*inducted, *declined):
        result = "was inducted" if nomination in inducted else "was not inducted"
        await notify(
            session,
            [nomination.nominator_id],
            NotificationKind.HALL_OF_FAME_DECIDED,
            actor_id=viewer.engineer_id,
            payload={
                "year": held.year,
                "nomination": nomination.id,
                "inducted": nomination in inducted,
                "summary": f"Your {held.year} Hall of Fame nominee {result}",
            },
        )
    audit.record(
        session,
        viewer,
        "hall_of_fame.round_close",
        held,
        chapter_id=None,
        before={"status": HallOfFameRoundStatus.OPEN.value},
        after={
            "status": HallOfFameRoundStatus.CLOSED.value,
            "inducted": [row.id for row in inducted],
            "not_inducted": [row.id for row in declined],
        },
        request_id=request_id,
    )
    return held
