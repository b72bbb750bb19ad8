"""Matching: one statement ranks contributors (and opportunities) with factors and a sentence."""

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Invitation, OpportunitySector, OpportunitySkill
from db.queries.matching import WEIGHTS
from graph.chapters import ChapterRegistry
from graph.errors import Forbidden
from graph.services import matching
from tests import contribution_world as world
from tests import factories, viewers


async def test_contributors_are_ranked_with_factors_and_a_sentence(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session, country_code="PK", city="Lahore", offers=[])
    water = await factories.sector(session, name="Water management")
    hydrology = await factories.skill(session, name="Hydrology")
    expert = await factories.engineer(
        session, timezone="Asia/Dubai", capacity_hours_per_month=10, max_mentees=3
    )
    await factories.join_sector(session, expert, water)
    await factories.claim_skill(session, expert, hydrology, level="ADVANCED", years=9)
    novice = await factories.engineer(session, timezone="America/Los_Angeles")
    await factories.claim_skill(session, novice, hydrology, level="BEGINNER", years=1)
    busy = await factories.engineer(session, max_mentees=1)
    await world.engagement(session, busy, seeker)
    not_offering = await factories.engineer(session, offers=["INVESTMENT"])
    target = await world.opportunity(
        session, seeker, timezone_window_start=6, timezone_window_end=9
    )
    session.add_all(
        [
            OpportunitySector(opportunity_id=target.id, sector_id=water.id),
            OpportunitySkill(
                opportunity_id=target.id, skill_id=hydrology.id, minimum_level="INTERMEDIATE"
            ),
        ]
    )
    as_seeker = await viewers.engineer(session, registry, seeker)
    await session.flush()
    matches = await matching.contributors_for(session, as_seeker, registry, target.id, first=50)
    ids = [match.id for match in matches]
    assert ids.index(expert.id) < ids.index(novice.id)
    assert busy.id not in ids
    assert not_offering.id not in ids
    assert seeker.id not in ids
    top = matches[ids.index(expert.id)]
    assert top.sentence == (
        "Shares water management and hydrology (advanced, 9 years); 10 h/month free;"
        " 3 h timezone overlap"
    )
    factors = {factor["factor"]: factor for factor in top.factors}
    assert set(factors) == set(WEIGHTS)
    assert factors["sectorOverlap"]["value"] == 1
    assert factors["timezoneOverlap"]["value"] == Decimal("0.75")
    assert sum(Decimal(str(f["contribution"])) for f in top.factors) == pytest.approx(
        top.score, abs=Decimal("0.001")
    )
    # novice's beginner level is below the minimum: no skill credit
    novice_factors = {f["factor"]: f for f in matches[ids.index(novice.id)].factors}
    assert novice_factors["skillOverlap"]["value"] == 0


async def test_keyset_pages_over_score_and_id_do_not_repeat_or_skip(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session, offers=[])
    for _ in range(7):
        await factories.engineer(session)
    target = await world.opportunity(session, seeker)
    as_seeker = await viewers.engineer(session, registry, seeker)
    everything = await matching.contributors_for(session, as_seeker, registry, target.id, first=100)
    paged: list[int] = []
    after = None
    while True:
        page = await matching.contributors_for(
            session, as_seeker, registry, target.id, first=3, after=after
        )
        if not page:
            break
        paged += [match.id for match in page]
        after = (page[-1].score, page[-1].id)
    assert paged == [match.id for match in everything]
    assert [m.score for m in everything] == sorted((m.score for m in everything), reverse=True)


async def test_hidden_skills_earn_no_credit_and_are_not_named(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session, offers=[])
    hydrology = await factories.skill(session, name="Hydrology")
    private = await factories.engineer(session, field_visibility={"skills": "PRIVATE"})
    await factories.claim_skill(session, private, hydrology, level="EXPERT", years=20)
    target = await world.opportunity(session, seeker)
    session.add(
        OpportunitySkill(opportunity_id=target.id, skill_id=hydrology.id, minimum_level="BEGINNER")
    )
    await session.flush()
    matches = await matching.contributors_for(
        session, await viewers.engineer(session, registry, seeker), registry, target.id, first=100
    )
    mine = next(match for match in matches if match.id == private.id)
    assert "hydrology" not in mine.sentence
    assert {f["factor"]: f["value"] for f in mine.factors}["skillOverlap"] == 0


async def test_only_the_seeker_side_sees_matches(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    other = await factories.engineer(session)
    target = await world.opportunity(session, seeker)
    with pytest.raises(Forbidden):
        await matching.contributors_for(
            session, await viewers.engineer(session, registry, other), registry, target.id, first=5
        )


async def test_recommended_opportunities_respect_visibility_kind_and_capacity(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(
        session, offers=["MENTORSHIP"], capacity_hours_per_month=5
    )
    public = await world.opportunity(session, seeker)
    invited_elsewhere = await world.opportunity(session, seeker, visibility="INVITED")
    invited_me = await world.opportunity(session, seeker, visibility="INVITED")
    session.add(Invitation(opportunity_id=invited_me.id, engineer_id=contributor.id))
    too_big = await world.opportunity(session, seeker, hours_per_month=6)
    other_kind = await world.opportunity(session, seeker, kind="INVESTMENT")
    draft = await world.opportunity(session, seeker, status="DRAFT")
    await session.flush()
    recommended = await matching.opportunities_for(
        session, await viewers.engineer(session, registry, contributor), first=50
    )
    ids = {match.id for match in recommended}
    assert {public.id, invited_me.id} <= ids
    assert not ids & {invited_elsewhere.id, too_big.id, other_kind.id, draft.id}
