"""Consultancy marketplace mutations over GraphQL: the whole flow from RFP to reviews, each
invalid step's userErrors code, denied/allowed pairs, audit rows and notifications."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AuditLogEntry,
    ConsultancyProposal,
    Invitation,
    LedgerEntry,
    Notification,
    Opportunity,
    ServiceListing,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import consultancy_world, contribution_world, factories, viewers
from tests.conftest import GraphQLClient

RFP_CREATE = """
mutation ($input: RfpCreateInput!) {
  rfpCreate(input: $input) {
    opportunity { id kind status deadline rfp { budgetMin budgetMax currency stage sealed } }
    userErrors { field code message }
  }
}
"""
RFP_CLOSE = """
mutation ($input: RfpInput!) {
  rfpClose(input: $input) {
    opportunity { status rfp { stage sealed closedAt } }
    userErrors { field code }
  }
}
"""
SUBMIT = """
mutation ($input: ProposalSubmitInput!) {
  proposalSubmit(input: $input) {
    proposal { id price currency status bidder { handle } }
    userErrors { field code }
  }
}
"""
WITHDRAW = """
mutation ($input: ConsultancyProposalInput!) {
  proposalWithdraw(input: $input) { proposal { status } userErrors { code } }
}
"""
AWARD = """
mutation ($input: ProposalAwardInput!) {
  proposalAward(input: $input) {
    proposal { status milestones { amount currency milestone { id title status } } }
    engagement { id status kind }
    userErrors { field code }
  }
}
"""
MILESTONE_SUBMIT = """
mutation ($input: ContractMilestoneNoteInput!) {
  contractMilestoneSubmit(input: $input) { milestone { status } userErrors { code } }
}
"""
MILESTONE_ACCEPT = """
mutation ($input: ContractMilestoneInput!) {
  contractMilestoneAccept(input: $input) { milestone { status } userErrors { code } }
}
"""
MILESTONE_REWORK = """
mutation ($input: ContractMilestoneNoteInput!) {
  contractMilestoneRework(input: $input) { milestone { status } userErrors { code } }
}
"""
COMPLETE = """
mutation ($input: ContractInput!) {
  contractComplete(input: $input) { engagement { status } userErrors { code } }
}
"""
REVIEW = """
mutation ($input: ContractReviewInput!) {
  contractReview(input: $input) {
    review { rating comment author { handle } subject { handle } }
    userErrors { field code }
  }
}
"""
LISTING_CREATE = """
mutation ($input: ServiceListingCreateInput!) {
  serviceListingCreate(input: $input) {
    listing { title rateMin rateMax currency sectors { slug } contributor { handle } }
    userErrors { field code }
  }
}
"""
INVITE = """
mutation ($input: ServiceListingInviteInput!) {
  serviceListingInvite(input: $input) {
    listing { title }
    opportunity { title }
    userErrors { field code }
  }
}
"""
APPLY = """
mutation ($input: ApplicationSubmitInput!) {
  applicationSubmit(input: $input) { application { id } userErrors { code } }
}
"""

World = consultancy_world.Market


@pytest.fixture
async def market(session: AsyncSession) -> World:
    """The marketplace world."""
    return await consultancy_world.build(session)


async def _as(session: AsyncSession, registry: ChapterRegistry, who: Any) -> Viewer:
    return await viewers.engineer(session, registry, who)


def _codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


async def _count(session: AsyncSession, model: Any, *where: Any) -> int:
    found = await session.scalar(select(func.count()).select_from(model).where(*where))
    return int(found or 0)


def _rfp_input(market: World, **overrides: Any) -> dict[str, Any]:
    values = {
        "institution": encode_id("Institution", market.institution.id),
        "title": "Substation automation review",
        "description": "Review the SCADA design of three substations.",
        "hoursPerMonth": 4,
        "durationMonths": 3,
        "budgetMin": "2000.00",
        "budgetMax": "8000",
        "currency": "PKR",
        "closesAt": (datetime.now(UTC) + timedelta(days=14)).isoformat(),
    }
    values.update(overrides)
    return {"input": values}


async def test_only_an_institutions_staff_post_an_rfp_and_bad_terms_change_nothing(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry, market: World
) -> None:
    before = await _count(session, Opportunity)
    denied = await graphql.execute(RFP_CREATE, _rfp_input(market))
    assert denied.errors[0].extensions["code"] == "UNAUTHENTICATED"
    stranger = await _as(session, registry, market.stranger)
    refused = await graphql.data(RFP_CREATE, _rfp_input(market), stranger)
    assert _codes(refused["rfpCreate"]) == ["NOT_STAFF"]
    staff = await _as(session, registry, market.staff)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    for overrides, code in (
        ({"budgetMin": "9000", "budgetMax": "8000"}, "INVALID_BUDGET"),
        ({"budgetMin": "-1"}, "INVALID_BUDGET"),
        ({"budgetMax": "lots"}, "INVALID_BUDGET"),
        ({"budgetMax": "1.001"}, "INVALID_BUDGET"),
        ({"currency": "rupees"}, "INVALID_CURRENCY"),
        ({"currency": "pkr"}, "INVALID_CURRENCY"),
        ({"closesAt": past}, "INVALID_CLOSING_DATE"),
        ({"title": "x" * 201}, "INVALID_TITLE"),
        ({"description": "x" * 20_001}, "INVALID_DESCRIPTION"),
        ({"hoursPerMonth": 0}, "INVALID_EFFORT"),
        ({"institution": "not-an-id"}, "NOT_FOUND"),
        ({"institution": encode_id("Engineer", market.staff.id)}, "NOT_FOUND"),
        ({"sectors": ["???"]}, "NOT_FOUND"),
    ):
        bad = await graphql.data(RFP_CREATE, _rfp_input(market, **overrides), staff)
        assert _codes(bad["rfpCreate"]) == [code], overrides
        assert bad["rfpCreate"]["opportunity"] is None
    assert await _count(session, Opportunity) == before
    created = (await graphql.data(RFP_CREATE, _rfp_input(market), staff))["rfpCreate"]
    assert created["userErrors"] == []
    assert created["opportunity"]["kind"] == "CONSULTANCY"
    assert created["opportunity"]["status"] == "OPEN"
    assert created["opportunity"]["rfp"] == {
        "budgetMin": "2000.00",
        "budgetMax": "8000.00",
        "currency": "PKR",
        "stage": "OPEN",
        "sealed": True,
    }
    client = viewers.client(market.institution.id, frozenset({*viewers.ALL_SCOPES}))
    by_client = await graphql.data(RFP_CREATE, _rfp_input(market), client)
    assert by_client["rfpCreate"]["userErrors"] == []


async def test_bids_are_sealed_once_each_and_refused_after_the_close(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry, market: World
) -> None:
    open_rfp, closed = market.id_of("open"), market.id_of("closed")
    bidder = await _as(session, registry, market.stranger)
    bid = {
        "opportunity": open_rfp,
        "price": "6500.00",
        "currency": "USD",
        "approach": "Protection study with field tests.",
        "timeline": "Four weeks",
    }
    before = await _count(session, ConsultancyProposal)
    for overrides, code in (
        ({"price": "abc"}, "INVALID_PRICE"),
        ({"price": "-5"}, "INVALID_PRICE"),
        ({"price": "99999999999"}, "INVALID_PRICE"),
        ({"currency": "EUR"}, "CURRENCY_MISMATCH"),
        ({"currency": "US"}, "INVALID_CURRENCY"),
        ({"approach": " "}, "TEXT_REQUIRED"),
        ({"approach": "x" * 10_001}, "TEXT_TOO_LONG"),
        ({"timeline": "x" * 10_001}, "TEXT_TOO_LONG"),
        ({"opportunity": closed}, "RFP_CLOSED"),
        ({"opportunity": "bad id"}, "NOT_FOUND"),
        ({"opportunity": encode_id("Opportunity", 2_000_000_000)}, "NOT_FOUND"),
    ):
        bad = await graphql.data(SUBMIT, {"input": {**bid, **overrides}}, bidder)
        assert _codes(bad["proposalSubmit"]) == [code], overrides
    plain = await contribution_world.opportunity(session, market.staff)
    not_rfp = {**bid, "opportunity": encode_id("Opportunity", plain.id)}
    assert _codes((await graphql.data(SUBMIT, {"input": not_rfp}, bidder))["proposalSubmit"]) == [
        "NOT_AN_RFP"
    ]
    assert await _count(session, ConsultancyProposal) == before
    staff = await _as(session, registry, market.staff)
    own = await graphql.data(SUBMIT, {"input": bid}, staff)
    assert _codes(own["proposalSubmit"]) == ["OWN_RFP"]
    anonymous = await graphql.execute(SUBMIT, {"input": bid})
    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"
    made = (await graphql.data(SUBMIT, {"input": bid}, bidder))["proposalSubmit"]
    assert made["userErrors"] == []
    assert made["proposal"]["status"] == "SUBMITTED"
    assert made["proposal"]["bidder"]["handle"] == "mkt-stranger"
    twice = await graphql.data(SUBMIT, {"input": bid}, bidder)
    assert _codes(twice["proposalSubmit"]) == ["ALREADY_BID"]
    # The generic application path refuses RFPs: no unsealed bypass
    applied = await graphql.data(
        APPLY,
        {
            "input": {
                "opportunity": open_rfp,
                "message": "Me",
                "proposal": {k: bid[k] for k in ("price", "currency", "timeline", "approach")},
            }
        },
        await _as(session, registry, market.bidders[2]),
    )
    assert _codes(applied["applicationSubmit"]) == ["PROPOSAL_NOT_ALLOWED"]
    # The bidder withdraws before the close; the withdrawal is final
    withdrawn = await graphql.data(
        WITHDRAW, {"input": {"proposal": made["proposal"]["id"]}}, bidder
    )
    assert withdrawn["proposalWithdraw"]["proposal"]["status"] == "WITHDRAWN"
    again = await graphql.data(WITHDRAW, {"input": {"proposal": made["proposal"]["id"]}}, bidder)
    assert _codes(again["proposalWithdraw"]) == ["CANNOT_WITHDRAW"]
    theirs = await graphql.data(WITHDRAW, {"input": {"proposal": market.id_of("open-0")}}, bidder)
    assert _codes(theirs["proposalWithdraw"]) == ["NOT_FOUND"]


async def test_closing_unseals_for_the_institution_tells_bidders_and_is_audited(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry, market: World
) -> None:
    target = {"input": {"opportunity": market.id_of("open")}}
    bidder = await _as(session, registry, market.bidders[0])
    staff = await _as(session, registry, market.staff)
    refused = await graphql.data(RFP_CLOSE, target, bidder)
    assert _codes(refused["rfpClose"]) == ["NOT_STAFF"]
    award_early = await graphql.data(AWARD, {"input": {"proposal": market.id_of("open-1")}}, staff)
    assert _codes(award_early["proposalAward"]) == ["NOT_CLOSED"]
    closed = (await graphql.data(RFP_CLOSE, target, staff))["rfpClose"]
    assert closed["userErrors"] == []
    assert closed["opportunity"]["status"] == "CLOSED"
    assert closed["opportunity"]["rfp"]["stage"] == "CLOSED"
    assert closed["opportunity"]["rfp"]["sealed"] is False
    twice = await graphql.data(RFP_CLOSE, target, staff)
    assert _codes(twice["rfpClose"]) == ["RFP_CLOSED"]
    told = await session.scalars(
        select(Notification.recipient_id).where(Notification.kind == "RFP_CLOSED")
    )
    assert sorted(told) == sorted(b.id for b in market.bidders[:2])
    audited = await session.scalar(
        select(AuditLogEntry).where(AuditLogEntry.action == "consultancy.close")
    )
    assert audited is not None
    assert audited.actor_engineer_id == market.staff.id
    late = await graphql.data(
        SUBMIT,
        {
            "input": {
                "opportunity": market.id_of("open"),
                "price": "1.00",
                "currency": "USD",
                "approach": "Late",
                "timeline": "Late",
            }
        },
        await _as(session, registry, market.bidders[2]),
    )
    assert _codes(late["proposalSubmit"]) == ["RFP_CLOSED"]


async def test_the_award_makes_a_priced_contract_once_and_only_staff_award(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry, market: World
) -> None:
    winner = market.id_of("closed-1")
    milestones = [
        {"title": "Inception report", "dueOn": "2030-02-01", "amount": "1500.00"},
        {"title": "Final design", "dueOn": "2030-04-01", "amount": "2500.00"},
    ]
    award = {"input": {"proposal": winner, "milestones": milestones}}
    bidder = await _as(session, registry, market.bidders[1])
    stranger = await _as(session, registry, market.stranger)
    staff = await _as(session, registry, market.staff)
    assert _codes((await graphql.data(AWARD, award, bidder))["proposalAward"]) == ["NOT_STAFF"]
    assert _codes((await graphql.data(AWARD, award, stranger))["proposalAward"]) == ["NOT_FOUND"]
    for bad, code in (
        ([{**milestones[0], "amount": "4000.01"}, milestones[1]], "MILESTONES_EXCEED_PRICE"),
        ([{**milestones[0], "title": ""}], "INVALID_MILESTONE"),
        ([{**milestones[0], "amount": "x"}], "INVALID_MILESTONE"),
        ([milestones[0]] * 21, "INVALID_MILESTONE"),
    ):
        refused = await graphql.data(
            AWARD, {"input": {"proposal": winner, "milestones": bad}}, staff
        )
        assert _codes(refused["proposalAward"]) == [code]
    malformed = await graphql.data(AWARD, {"input": {"proposal": "nope"}}, staff)
    assert _codes(malformed["proposalAward"]) == ["NOT_FOUND"]
    made = (await graphql.data(AWARD, award, staff))["proposalAward"]
    assert made["userErrors"] == []
    assert made["engagement"]["status"] == "ACTIVE"
    assert made["engagement"]["kind"] == "CONSULTANCY"
    assert made["proposal"]["status"] == "AWARDED"
    assert [m["amount"] for m in made["proposal"]["milestones"]] == ["1500.00", "2500.00"]
    twice = await graphql.data(AWARD, {"input": {"proposal": market.id_of("closed-0")}}, staff)
    assert _codes(twice["proposalAward"]) == ["ALREADY_AWARDED"]
    kinds = dict(
        (
            await session.execute(
                select(Notification.recipient_id, Notification.kind).where(
                    Notification.kind.in_(["PROPOSAL_AWARDED", "PROPOSAL_NOT_AWARDED"])
                )
            )
        ).all()
    )
    assert kinds == {
        market.bidders[1].id: "PROPOSAL_AWARDED",
        market.bidders[0].id: "PROPOSAL_NOT_AWARDED",
        market.bidders[2].id: "PROPOSAL_NOT_AWARDED",
    }
    assert await _count(session, AuditLogEntry, AuditLogEntry.action == "consultancy.award") == 1


async def test_milestones_are_submitted_reworked_accepted_then_reviews_go_both_ways_once(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry, market: World
) -> None:
    contributor = await _as(session, registry, market.bidders[0])
    staff = await _as(session, registry, market.staff)
    stranger = await _as(session, registry, market.stranger)
    engagement = encode_id("Engagement", market.engagements["awarded"].id)
    done, planned = (
        encode_id("EngagementMilestone", market.milestones[f"awarded-{n}"].id) for n in (1, 2)
    )

    def milestone(key: str, note: str = "") -> dict[str, Any]:
        return {"input": {"milestone": key, **({"note": note} if note else {})}}

    accept = await graphql.data(MILESTONE_ACCEPT, milestone(planned), staff)
    assert _codes(accept["contractMilestoneAccept"]) == ["NOT_SUBMITTED"]
    by_contributor = await graphql.data(MILESTONE_ACCEPT, milestone(done), contributor)
    assert _codes(by_contributor["contractMilestoneAccept"]) == ["NOT_STAFF"]
    by_staff = await graphql.data(MILESTONE_SUBMIT, milestone(planned), staff)
    assert _codes(by_staff["contractMilestoneSubmit"]) == ["NOT_CONTRIBUTOR"]
    hidden = await graphql.data(MILESTONE_SUBMIT, milestone(planned), stranger)
    assert _codes(hidden["contractMilestoneSubmit"]) == ["NOT_FOUND"]
    again = await graphql.data(MILESTONE_SUBMIT, milestone(done), contributor)
    assert _codes(again["contractMilestoneSubmit"]) == ["ALREADY_SUBMITTED"]
    too_long = await graphql.data(MILESTONE_SUBMIT, milestone(planned, "x" * 10_001), contributor)
    assert _codes(too_long["contractMilestoneSubmit"]) == ["TEXT_TOO_LONG"]
    no_note = await graphql.data(MILESTONE_REWORK, milestone(done), staff)
    assert _codes(no_note["contractMilestoneRework"]) == ["TEXT_REQUIRED"]
    rework = await graphql.data(MILESTONE_REWORK, milestone(done, "Add cable sizing."), staff)
    assert rework["contractMilestoneRework"]["milestone"]["status"] == "PLANNED"
    review_early = await graphql.data(
        REVIEW, {"input": {"engagement": engagement, "rating": 5}}, staff
    )
    assert _codes(review_early["contractReview"]) == ["NOT_COMPLETED"]
    outstanding = await graphql.data(COMPLETE, {"input": {"engagement": engagement}}, staff)
    assert _codes(outstanding["contractComplete"]) == ["MILESTONES_OUTSTANDING"]
    ledger_before = await _count(session, LedgerEntry)
    for key in (done, planned):
        sent = await graphql.data(MILESTONE_SUBMIT, milestone(key, "Done."), contributor)
        assert sent["contractMilestoneSubmit"]["milestone"]["status"] == "DONE"
        taken = await graphql.data(MILESTONE_ACCEPT, milestone(key), staff)
        assert taken["contractMilestoneAccept"]["milestone"]["status"] == "COUNTERSIGNED"
    assert await _count(session, LedgerEntry) == ledger_before + 2
    accepted_twice = await graphql.data(MILESTONE_ACCEPT, milestone(done), staff)
    assert _codes(accepted_twice["contractMilestoneAccept"]) == ["ALREADY_ACCEPTED"]
    by_bidder = await graphql.data(COMPLETE, {"input": {"engagement": engagement}}, contributor)
    assert _codes(by_bidder["contractComplete"]) == ["NOT_STAFF"]
    completed = await graphql.data(COMPLETE, {"input": {"engagement": engagement}}, staff)
    assert completed["contractComplete"]["engagement"]["status"] == "COMPLETED"
    for rating, comment, code in ((0, "", "INVALID_RATING"), (5, "x" * 5001, "TEXT_TOO_LONG")):
        bad = await graphql.data(
            REVIEW,
            {"input": {"engagement": engagement, "rating": rating, "comment": comment}},
            staff,
        )
        assert _codes(bad["contractReview"]) == [code]
    outsider = await graphql.data(
        REVIEW, {"input": {"engagement": engagement, "rating": 3}}, stranger
    )
    assert _codes(outsider["contractReview"]) == ["NOT_FOUND"]
    for viewer, subject in ((staff, "mkt-bidder-0"), (contributor, "mkt-staff")):
        given = await graphql.data(
            REVIEW,
            {"input": {"engagement": engagement, "rating": 4, "comment": "Good work."}},
            viewer,
        )
        assert given["contractReview"]["review"]["subject"]["handle"] == subject
        twice = await graphql.data(
            REVIEW, {"input": {"engagement": engagement, "rating": 5}}, viewer
        )
        assert _codes(twice["contractReview"]) == ["ALREADY_REVIEWED"]
    # A second staff member cannot review for the institution again either
    colleague = await factories.engineer(session, handle="mkt-colleague")
    await factories.affiliation(session, colleague, market.institution)
    other = await graphql.data(
        REVIEW,
        {"input": {"engagement": engagement, "rating": 1}},
        await _as(session, registry, colleague),
    )
    assert _codes(other["contractReview"]) == ["ALREADY_REVIEWED"]
    reviewed = await _count(session, Notification, Notification.kind == "CONTRACT_REVIEWED")
    assert reviewed == 2
    not_contract = await graphql.data(
        COMPLETE,
        {"input": {"engagement": encode_id("Engagement", 2_000_000_000)}},
        staff,
    )
    assert _codes(not_contract["contractComplete"]) == ["NOT_FOUND"]


async def test_listings_are_created_and_listed_contributors_invited_to_an_rfp(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry, market: World
) -> None:
    contributor = await _as(session, registry, market.stranger)
    water = await factories.sector(session, slug="mkt-listing-water", name="Mkt L Water")
    listing = {
        "title": "Hydropower feasibility",
        "description": "Run-of-river studies.",
        "sectors": [encode_id("Sector", water.id)],
        "rateMin": "90",
        "rateMax": "140.50",
        "currency": "GBP",
    }
    before = await _count(session, ServiceListing)
    for overrides, code in (
        ({"rateMin": "200"}, "INVALID_RATE"),
        ({"rateMax": "-1"}, "INVALID_RATE"),
        ({"currency": "£"}, "INVALID_CURRENCY"),
        ({"title": "ab"}, "INVALID_TITLE"),
        ({"description": "x" * 10_001}, "TEXT_TOO_LONG"),
        ({"sectors": ["junk"]}, "UNKNOWN_SECTOR"),
        ({"sectors": [encode_id("Sector", 2_000_000_000)]}, "UNKNOWN_SECTOR"),
    ):
        bad = await graphql.data(LISTING_CREATE, {"input": {**listing, **overrides}}, contributor)
        assert _codes(bad["serviceListingCreate"]) == [code], overrides
    assert await _count(session, ServiceListing) == before
    made = (await graphql.data(LISTING_CREATE, {"input": listing}, contributor))[
        "serviceListingCreate"
    ]
    assert made["listing"] == {
        "title": "Hydropower feasibility",
        "rateMin": "90.00",
        "rateMax": "140.50",
        "currency": "GBP",
        "sectors": [{"slug": "mkt-listing-water"}],
        "contributor": {"handle": "mkt-stranger"},
    }
    assert market.listing is not None
    invite = {
        "input": {
            "listing": encode_id("ServiceListing", market.listing.id),
            "opportunity": market.id_of("open"),
            "message": "Your protection studies fit.",
        }
    }
    staff = await _as(session, registry, market.staff)
    refused = await graphql.data(INVITE, invite, contributor)
    assert _codes(refused["serviceListingInvite"]) == ["NOT_STAFF"]
    closed = {"input": {**invite["input"], "opportunity": market.id_of("closed")}}
    assert _codes((await graphql.data(INVITE, closed, staff))["serviceListingInvite"]) == [
        "RFP_CLOSED"
    ]
    long = {"input": {**invite["input"], "message": "x" * 5001}}
    assert _codes((await graphql.data(INVITE, long, staff))["serviceListingInvite"]) == [
        "TEXT_TOO_LONG"
    ]
    sent = (await graphql.data(INVITE, invite, staff))["serviceListingInvite"]
    assert sent["userErrors"] == []
    assert sent["opportunity"]["title"] == "Mkt open grid study"
    twice = await graphql.data(INVITE, invite, staff)
    assert _codes(twice["serviceListingInvite"]) == ["ALREADY_INVITED"]
    told = await session.scalar(select(Notification).where(Notification.kind == "RFP_INVITATION"))
    assert told is not None
    assert told.recipient_id == market.bidders[2].id
    invitation = await session.scalar(
        select(Invitation).where(Invitation.engineer_id == market.bidders[2].id)
    )
    assert invitation is not None
    assert invitation.status == "PENDING"
