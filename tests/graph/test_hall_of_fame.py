"""Hall of Fame mutations: nominating with evidence, council votes, rounds, induction,
notifications and audit rows, and every refusal as a userErrors code that changes nothing."""

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AuditLogEntry,
    HallOfFameEvidence,
    HallOfFameNomination,
    HallOfFameRound,
    HallOfFameVote,
    Notification,
)
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import hall_of_fame_world
from tests.conftest import GraphQLClient
from tests.hall_of_fame_world import HallOfFameWorld

NOMINATE = """
mutation ($input: HallOfFameNominateInput!) {
  hallOfFameNominate(input: $input) {
    nomination {
      id year status citation nominee { handle } nominator { handle } round { year status }
      evidence(first: 20) { totalCount nodes { kind } }
    }
    userErrors { field code message }
  }
}
"""
VOTE = """
mutation ($input: HallOfFameVoteInput!) {
  hallOfFameVote(input: $input) {
    nomination { id status votesInFavour votesAgainst viewerVote }
    userErrors { field code }
  }
}
"""
ROUND_OPEN = """
mutation ($input: HallOfFameRoundOpenInput!) {
  hallOfFameRoundOpen(input: $input) { round { year status closedAt } userErrors { field code } }
}
"""
ROUND_CLOSE = """
mutation ($input: HallOfFameRoundCloseInput!) {
  hallOfFameRoundClose(input: $input) { round { year status } userErrors { field code } }
}
"""
CITATION = "Twelve years of mentoring final-year students in power systems."


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> HallOfFameWorld:
    """The Hall of Fame of tests/hall_of_fame_world.py."""
    return await hall_of_fame_world.build(session, registry)


def _nomination(world: HallOfFameWorld, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "nominee": world.engineer_id("member"),
        "citation": CITATION,
        "evidence": [
            world.ids["ledger"],
            world.ids["engagement"],
            world.ids["public-event"],
            world.ids["answer"],
        ],
    }
    values.update(overrides)
    return {"input": values}


async def _count(session: AsyncSession, model: Any, *where: Any) -> int:
    await session.flush()
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def _nominate(
    graphql: GraphQLClient, world: HallOfFameWorld, who: str = "seeker", **overrides: Any
) -> dict[str, Any]:
    data = await graphql.data(NOMINATE, _nomination(world, **overrides), world.viewers[who])
    payload: dict[str, Any] = data["hallOfFameNominate"]
    return payload


async def _vote(
    graphql: GraphQLClient, world: HallOfFameWorld, who: str, nomination: str, in_favour: bool
) -> dict[str, Any]:
    variables = {"input": {"nomination": nomination, "inFavour": in_favour}}
    data = await graphql.data(VOTE, variables, world.viewers[who])
    payload: dict[str, Any] = data["hallOfFameVote"]
    return payload


async def test_an_engineer_nominates_a_colleague_citing_their_work(
    graphql: GraphQLClient, world: HallOfFameWorld
) -> None:
    payload = await _nominate(graphql, world)
    assert payload["userErrors"] == []
    nomination = payload["nomination"]
    assert (nomination["status"], nomination["year"], nomination["citation"]) == (
        "UNDER_REVIEW",
        2026,
        CITATION,
    )
    assert nomination["nominee"] == {"handle": "ev-member"}
    assert nomination["nominator"] == {"handle": "hof-seeker"}
    assert nomination["round"] == {"year": 2026, "status": "OPEN"}
    assert [item["kind"] for item in nomination["evidence"]["nodes"]] == [
        "LEDGER_ENTRY",
        "ENGAGEMENT",
        "EVENT_SPOKEN_AT",
        "ACCEPTED_ANSWER",
    ]


async def test_anonymous_viewers_cannot_nominate(
    graphql: GraphQLClient, world: HallOfFameWorld, session: AsyncSession
) -> None:
    result = await graphql.execute(NOMINATE, _nomination(world), world.viewers["anonymous"])
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
    assert await _count(session, HallOfFameNomination) == 0


def _refusals(world: HallOfFameWorld) -> list[tuple[str, dict[str, Any], str, list[str] | None]]:
    ids = world.ids
    return [
        ("member", {}, "SELF_NOMINATION", ["input", "nominee"]),
        ("seeker", {"nominee": "not-an-id"}, "INVALID_ID", ["input", "nominee"]),
        ("seeker", {"nominee": ids["ledger"]}, "INVALID_ID", ["input", "nominee"]),
        ("seeker", {"nominee": encode_id("Engineer", 999_999)}, "NOT_FOUND", ["input", "nominee"]),
        ("seeker", {"citation": "Great."}, "INVALID_CITATION", ["input", "citation"]),
        ("seeker", {"citation": "x" * 4001}, "INVALID_CITATION", ["input", "citation"]),
        ("seeker", {"evidence": []}, "EVIDENCE_REQUIRED", ["input", "evidence"]),
        ("seeker", {"evidence": [ids["ledger"]] * 21}, "TOO_MUCH_EVIDENCE", ["input", "evidence"]),
        (
            "seeker",
            {"evidence": [ids["ledger"], ids["ledger"]]},
            "DUPLICATE_EVIDENCE",
            ["input", "evidence", "1"],
        ),
        ("seeker", {"evidence": ["garbage!!"]}, "INVALID_ID", ["input", "evidence", "0"]),
        ("seeker", {"evidence": [ids["round"]]}, "INVALID_ID", ["input", "evidence", "0"]),
        (
            "seeker",
            {"evidence": [encode_id("LedgerEntry", 999_999)]},
            "EVIDENCE_NOT_FOUND",
            ["input", "evidence", "0"],
        ),
        (
            "outsider",
            {"evidence": [ids["engagement"]]},
            "EVIDENCE_NOT_FOUND",
            ["input", "evidence", "0"],
        ),
        (
            "outsider",
            {"evidence": [ids["members-event"]]},
            "EVIDENCE_NOT_FOUND",
            ["input", "evidence", "0"],
        ),
        (
            "seeker",
            {"evidence": [ids["ledger"], ids["uk-event"]]},
            "EVIDENCE_NOT_NOMINEES",
            ["input", "evidence", "1"],
        ),
        (
            "seeker",
            {"evidence": [ids["not-accepted"]]},
            "EVIDENCE_NOT_NOMINEES",
            ["input", "evidence", "0"],
        ),
        (
            "seeker",
            {"evidence": [ids["someone-elses"]]},
            "EVIDENCE_NOT_NOMINEES",
            ["input", "evidence", "0"],
        ),
    ]


async def test_each_bad_nomination_is_refused_with_its_code_and_changes_nothing(
    graphql: GraphQLClient, world: HallOfFameWorld, session: AsyncSession
) -> None:
    for who, overrides, code, field in _refusals(world):
        payload = await _nominate(graphql, world, who, **overrides)
        assert payload["nomination"] is None, (overrides, code)
        assert [(error["code"], error["field"]) for error in payload["userErrors"]] == [
            (code, field)
        ], overrides
    assert await _count(session, HallOfFameNomination) == 0
    assert await _count(session, HallOfFameEvidence) == 0


async def test_members_may_cite_what_they_see_and_a_nomination_is_made_once_per_round(
    graphql: GraphQLClient, world: HallOfFameWorld, session: AsyncSession
) -> None:
    # Given a fellow gulf member who sees the members-only workshop
    cited = [world.ids["members-event"], world.ids["answer"]]
    first = await _nominate(graphql, world, "attendee", evidence=cited)
    assert first["userErrors"] == []
    again = await _nominate(graphql, world, "attendee", evidence=cited)
    assert [error["code"] for error in again["userErrors"]] == ["DUPLICATE_NOMINATION"]
    assert await _count(session, HallOfFameNomination) == 1


async def test_nothing_is_nominated_without_an_open_round(
    graphql: GraphQLClient, world: HallOfFameWorld, session: AsyncSession
) -> None:
    held = await session.get_one(HallOfFameRound, world.round_id)
    held.status = "CLOSED"
    payload = await _nominate(graphql, world)
    assert [error["code"] for error in payload["userErrors"]] == ["NO_OPEN_ROUND"]


async def test_council_votes_and_closing_the_round_inducts_with_quorum_and_majority(
    graphql: GraphQLClient, world: HallOfFameWorld, session: AsyncSession
) -> None:
    # Given two nominations: one the whole council backs 2-1, one with a single vote
    backed = (await _nominate(graphql, world))["nomination"]["id"]
    lonely = (
        await _nominate(
            graphql,
            world,
            "attendee",
            nominee=world.engineer_id("outsider"),
            evidence=[world.ids["someone-elses"]],
        )
    )["nomination"]["id"]
    first = await _vote(graphql, world, "admin", backed, True)
    assert first["userErrors"] == []
    assert first["nomination"]["votesInFavour"] == 1
    assert first["nomination"]["viewerVote"] is True
    await _vote(graphql, world, "council2", backed, True)
    last = await _vote(graphql, world, "council3", backed, False)
    assert (last["nomination"]["votesInFavour"], last["nomination"]["votesAgainst"]) == (2, 1)
    await _vote(graphql, world, "admin", lonely, True)
    # When the council closes the round
    data = await graphql.data(
        ROUND_CLOSE, {"input": {"round": world.ids["round"]}}, world.viewers["admin"]
    )
    assert data["hallOfFameRoundClose"] == {
        "round": {"year": 2026, "status": "CLOSED"},
        "userErrors": [],
    }
    # Then the backed nomination is inducted (quorum 3, more than half in favour), not the other
    rows = await session.execute(
        select(HallOfFameNomination.nominee_id, HallOfFameNomination.status)
    )
    statuses = dict(rows.all())
    assert statuses == {
        world.engineers["member"].id: "INDUCTED",
        world.engineers["outsider"].id: "NOT_INDUCTED",
    }
    inducted = await session.scalars(
        select(Notification.recipient_id).where(Notification.kind == "HALL_OF_FAME_INDUCTED")
    )
    assert list(inducted) == [world.engineers["member"].id]
    decided = await session.scalars(
        select(Notification.recipient_id).where(Notification.kind == "HALL_OF_FAME_DECIDED")
    )
    assert sorted(decided) == sorted([world.engineers["seeker"].id, world.engineers["attendee"].id])
    actions = await session.scalars(
        select(AuditLogEntry.action).where(AuditLogEntry.action.like("hall_of_fame.%"))
    )
    assert sorted(actions) == ["hall_of_fame.round_close"] + ["hall_of_fame.vote"] * 4
    # And no more votes are taken
    late = await _vote(graphql, world, "council2", lonely, True)
    assert [error["code"] for error in late["userErrors"]] == ["ROUND_CLOSED"]
    again = await graphql.data(
        ROUND_CLOSE, {"input": {"round": world.ids["round"]}}, world.viewers["admin"]
    )
    assert [e["code"] for e in again["hallOfFameRoundClose"]["userErrors"]] == ["ROUND_CLOSED"]


async def test_votes_are_refused_to_non_council_twice_and_for_conflicts(
    graphql: GraphQLClient, world: HallOfFameWorld, session: AsyncSession, registry: ChapterRegistry
) -> None:
    nomination = (await _nominate(graphql, world))["nomination"]["id"]
    for who in ("seeker", "member", "outsider", "organiser"):
        refused = await _vote(graphql, world, who, nomination, True)
        assert [error["code"] for error in refused["userErrors"]] == ["NOT_COUNCIL"], who
    await _vote(graphql, world, "admin", nomination, True)
    twice = await _vote(graphql, world, "admin", nomination, False)
    assert [(e["code"], e["field"]) for e in twice["userErrors"]] == [
        ("ALREADY_VOTED", ["input", "nomination"])
    ]
    for bad, code in (
        ("not-an-id", "INVALID_ID"),
        (world.ids["round"], "INVALID_ID"),
        (encode_id("HallOfFameNomination", 999_999), "NOT_FOUND"),
    ):
        refused = await _vote(graphql, world, "council2", bad, True)
        assert [error["code"] for error in refused["userErrors"]] == [code], bad
    # A council member who nominated does not vote on their own nomination
    own = await graphql.data(
        NOMINATE,
        _nomination(world, evidence=[world.ids["members-event"]]),
        world.viewers["admin"],
    )
    mine = own["hallOfFameNominate"]["nomination"]["id"]
    conflict = await _vote(graphql, world, "admin", mine, True)
    assert [error["code"] for error in conflict["userErrors"]] == ["CONFLICT_OF_INTEREST"]
    assert await _count(session, HallOfFameVote) == 1
    anonymous = await graphql.execute(
        VOTE, {"input": {"nomination": nomination, "inFavour": True}}, world.viewers["anonymous"]
    )
    assert anonymous.errors is not None
    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"


async def test_the_council_opens_one_round_per_year_one_at_a_time(
    graphql: GraphQLClient, world: HallOfFameWorld, session: AsyncSession
) -> None:
    admin = world.viewers["admin"]
    refused = await graphql.data(ROUND_OPEN, {"input": {"year": 2027}}, world.viewers["member"])
    assert [e["code"] for e in refused["hallOfFameRoundOpen"]["userErrors"]] == ["NOT_COUNCIL"]
    busy = await graphql.data(ROUND_OPEN, {"input": {"year": 2027}}, admin)
    assert [e["code"] for e in busy["hallOfFameRoundOpen"]["userErrors"]] == ["ROUND_ALREADY_OPEN"]
    taken = await graphql.data(ROUND_OPEN, {"input": {"year": 2026}}, admin)
    assert [e["code"] for e in taken["hallOfFameRoundOpen"]["userErrors"]] == ["ROUND_EXISTS"]
    for year in (1999, 2201):
        wrong = await graphql.data(ROUND_OPEN, {"input": {"year": year}}, admin)
        assert [e["code"] for e in wrong["hallOfFameRoundOpen"]["userErrors"]] == ["INVALID_YEAR"]
    closing = await graphql.data(ROUND_CLOSE, {"input": {"round": world.ids["round"]}}, admin)
    assert closing["hallOfFameRoundClose"]["userErrors"] == []
    opened = await graphql.data(ROUND_OPEN, {"input": {"year": 2027}}, admin)
    assert opened["hallOfFameRoundOpen"] == {
        "round": {"year": 2027, "status": "OPEN", "closedAt": None},
        "userErrors": [],
    }
    assert await _count(session, HallOfFameRound) == 2
    assert (
        await _count(session, AuditLogEntry, AuditLogEntry.action == "hall_of_fame.round_open") == 1
    )
    for bad, code in (("nope", "INVALID_ID"), (encode_id("HallOfFameRound", 999_999), "NOT_FOUND")):
        closed = await graphql.data(ROUND_CLOSE, {"input": {"round": bad}}, admin)
        assert [e["code"] for e in closed["hallOfFameRoundClose"]["userErrors"]] == [code]
    member = await graphql.data(
        ROUND_CLOSE, {"input": {"round": world.ids["round"]}}, world.viewers["member"]
    )
    assert [e["code"] for e in member["hallOfFameRoundClose"]["userErrors"]] == ["NOT_COUNCIL"]
