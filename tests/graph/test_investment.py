"""Investment asks and soft commitments: posting, committing, changing, withdrawing, closing;
the disclosure rule as denied/allowed pairs through node, nodes and edges on both paths."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditLogEntry, InvestmentCommitment, Notification
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, viewers
from tests import panel_world as world
from tests.conftest import GraphQLClient

CREATE = """
mutation ($input: InvestmentAskCreateInput!) {
  investmentAskCreate(input: $input) {
    ask { id title amountSought currency stage status sector { slug } institution { slug } }
    userErrors { field code }
  }
}
"""
CLOSE = """
mutation ($input: InvestmentAskInput!) {
  investmentAskClose(input: $input) { ask { status closedAt } userErrors { code } }
}
"""
COMMIT = """
mutation ($input: InvestmentCommitInput!) {
  investmentCommit(input: $input) {
    commitment { id amount conditions disclosed status ask { committedTotal } }
    userErrors { field code }
  }
}
"""
CHANGE = """
mutation ($input: InvestmentCommitmentChangeInput!) {
  investmentCommitmentChange(input: $input) {
    commitment { amount conditions disclosed status }
    userErrors { code }
  }
}
"""
WITHDRAW = """
mutation ($input: InvestmentCommitmentInput!) {
  investmentCommitmentWithdraw(input: $input) { commitment { status } userErrors { code } }
}
"""
ASK_NODE = """
query ($id: ID!) {
  node(id: $id) {
    id
    ... on InvestmentAsk {
      title amountSought currency stage status useOfFunds createdAt closedAt
      committedTotal commitmentCount
      institution { slug } sector { slug }
      viewerCommitment { amount disclosed status }
      commitments(first: 10) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id amount disclosed status committer { handle } } }
      }
    }
  }
}
"""
COMMITMENT_NODES = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    id
    ... on InvestmentCommitment {
      amount conditions disclosed status createdAt withdrawnAt
      committer { handle } ask { title }
    }
  }
}
"""
ASKS = """
query ($first: Int!) {
  investmentAsks(first: $first) {
    totalCount
    nodes {
      title committedTotal commitmentCount institution { slug }
      commitments(first: 3) { totalCount nodes { amount committer { handle } } }
    }
  }
}
"""


async def _startup(session: AsyncSession, slug: str = "solar-start") -> Any:
    return await factories.institution(session, slug=slug, kind="STARTUP")


async def _count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_only_a_startups_staff_post_asks_and_bad_input_changes_nothing(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    startup = await _startup(session)
    university = await factories.institution(session, slug="uni-x")
    staff = await factories.engineer(session)
    await factories.affiliation(session, staff, startup)
    await factories.affiliation(session, staff, university)
    stranger = await factories.engineer(session)
    sector = await factories.sector(session, slug="solar")
    given = {
        "institution": encode_id("Institution", startup.id),
        "title": "Seed round",
        "amountSought": "1500000.50",
        "currency": "PKR",
        "stage": "SEED",
        "sector": "solar",
        "useOfFunds": "Two pilot sites.",
    }
    # Anonymous: UNAUTHENTICATED; someone else: NOT_STAFF
    denied = await graphql.execute(CREATE, {"input": given})
    assert denied.errors[0].extensions["code"] == "UNAUTHENTICATED"
    as_stranger = await viewers.engineer(session, registry, stranger)
    refused = await graphql.data(CREATE, {"input": given}, as_stranger)
    assert refused["investmentAskCreate"]["userErrors"][0]["code"] == "NOT_STAFF"
    # Each invalid step, with the code that names it
    as_staff = await viewers.engineer(session, registry, staff)
    bad = [
        ({"institution": encode_id("Institution", university.id)}, "NOT_A_STARTUP"),
        ({"institution": "not-an-id"}, "NOT_FOUND"),
        ({"institution": encode_id("Engineer", staff.id)}, "NOT_FOUND"),
        ({"amountSought": "-5"}, "INVALID_AMOUNT"),
        ({"amountSought": "0"}, "INVALID_AMOUNT"),
        ({"amountSought": "1.234"}, "INVALID_AMOUNT"),
        ({"amountSought": "lots"}, "INVALID_AMOUNT"),
        ({"amountSought": "1e30"}, "INVALID_AMOUNT"),
        ({"currency": "usd"}, "INVALID_CURRENCY"),
        ({"title": "x" * 201}, "INVALID_TITLE"),
        ({"useOfFunds": " "}, "INVALID_USE_OF_FUNDS"),
        ({"useOfFunds": "x" * 5001}, "INVALID_USE_OF_FUNDS"),
        ({"sector": "no-such-sector"}, "UNKNOWN_SECTOR"),
    ]
    for change, code in bad:
        answer = await graphql.data(CREATE, {"input": {**given, **change}}, as_staff)
        assert answer["investmentAskCreate"]["userErrors"][0]["code"] == code, change
        assert answer["investmentAskCreate"]["ask"] is None
    assert await _count(session, AuditLogEntry) == 0
    # The staff post it: OPEN, audited
    created = (await graphql.data(CREATE, {"input": given}, as_staff))["investmentAskCreate"]
    assert created["userErrors"] == []
    assert created["ask"]["amountSought"] == "1500000.50"
    assert created["ask"]["status"] == "OPEN"
    assert created["ask"]["sector"] == {"slug": sector.slug}
    action = AuditLogEntry.action == "investmentAsk.create"
    assert await _count(session, AuditLogEntry, action) == 1


async def test_the_startup_sees_the_total_and_only_disclosed_committers(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given an ask with a disclosed, an undisclosed and a withdrawn disclosed commitment
    startup = await _startup(session)
    staff = await factories.engineer(session, handle="founder")
    await factories.affiliation(session, staff, startup)
    open_ask = await world.ask(session, startup)
    shown_person = await factories.engineer(session, handle="shown")
    hidden_person = await factories.engineer(session, handle="hidden")
    gone_person = await factories.engineer(session, handle="gone")
    stranger = await factories.engineer(session, handle="stranger")
    shown = await world.commitment(session, open_ask, shown_person, disclosed=True)
    hidden = await world.commitment(
        session, open_ask, hidden_person, amount="100000.25", conditions="After the pilot"
    )
    gone = await world.commitment(
        session,
        open_ask,
        gone_person,
        disclosed=True,
        status="WITHDRAWN",
        withdrawn_at=func.now(),
    )
    ask_id = encode_id("InvestmentAsk", open_ask.id)
    ids = [encode_id("InvestmentCommitment", row.id) for row in (shown, hidden, gone)]
    # The staff: the total counts the undisclosed one; the list never names it
    as_staff = await viewers.engineer(session, registry, staff)
    seen = (await graphql.data(ASK_NODE, {"id": ask_id}, as_staff))["node"]
    assert seen["committedTotal"] == "350000.25"
    assert seen["commitmentCount"] == 2
    handles = [edge["node"]["committer"]["handle"] for edge in seen["commitments"]["edges"]]
    assert handles == ["shown", "gone"]
    assert seen["commitments"]["totalCount"] == 2
    nodes = (await graphql.data(COMMITMENT_NODES, {"ids": ids}, as_staff))["nodes"]
    assert [node is not None for node in nodes] == [True, False, True]
    # The undisclosed committer: their own commitment, by node and on the ask
    as_hidden = await viewers.engineer(session, registry, hidden_person)
    own = (await graphql.data(ASK_NODE, {"id": ask_id}, as_hidden))["node"]
    assert own["committedTotal"] is None
    assert own["viewerCommitment"]["amount"] == "100000.25"
    assert [e["node"]["committer"]["handle"] for e in own["commitments"]["edges"]] == ["hidden"]
    nodes = (await graphql.data(COMMITMENT_NODES, {"ids": ids}, as_hidden))["nodes"]
    assert [node is not None for node in nodes] == [False, True, False]
    # Anyone else: the ask, no figures, no commitments
    for reader in (viewers.engineer(session, registry, stranger), None):
        viewer = await reader if reader is not None else None
        args = (viewer,) if viewer is not None else ()
        other = (await graphql.data(ASK_NODE, {"id": ask_id}, *args))["node"]
        assert other["title"] == open_ask.title
        assert other["committedTotal"] is None
        assert other["commitmentCount"] is None
        assert other["viewerCommitment"] is None
        assert other["commitments"]["totalCount"] == 0
        nodes = (await graphql.data(COMMITMENT_NODES, {"ids": ids}, *args))["nodes"]
        assert nodes == [None, None, None]


async def test_committing_changing_withdrawing_and_closing(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    startup = await _startup(session)
    staff = await factories.engineer(session)
    await factories.affiliation(session, staff, startup)
    target = await world.ask(session, startup)
    investor = await factories.engineer(session)
    other = await factories.engineer(session)
    as_investor = await viewers.engineer(session, registry, investor)
    as_other = await viewers.engineer(session, registry, other)
    as_staff = await viewers.engineer(session, registry, staff)
    ask_id = encode_id("InvestmentAsk", target.id)
    given = {"ask": ask_id, "amount": "250000", "conditions": "Board seat", "disclosed": False}

    async def commit(variables: dict[str, Any], viewer: Any) -> Any:
        return (await graphql.data(COMMIT, {"input": variables}, viewer))["investmentCommit"]

    # Invalid steps change nothing
    assert (await graphql.execute(COMMIT, {"input": given})).errors[0].extensions[
        "code"
    ] == "UNAUTHENTICATED"
    for bad, code in [
        ({"amount": "-100"}, "INVALID_AMOUNT"),
        ({"amount": "0.001"}, "INVALID_AMOUNT"),
        ({"conditions": "x" * 2001}, "INVALID_CONDITIONS"),
        ({"ask": "garbage"}, "NOT_FOUND"),
        ({"ask": encode_id("InvestmentAsk", 10**9)}, "NOT_FOUND"),
    ]:
        assert (await commit({**given, **bad}, as_investor))["userErrors"][0]["code"] == code
    assert (await commit(given, as_staff))["userErrors"][0]["code"] == "OWN_ASK"
    assert await _count(session, InvestmentCommitment) == 0
    # A commitment, once; the investor's own total shows nothing (not staff)
    made = await commit(given, as_investor)
    assert made["userErrors"] == []
    assert made["commitment"]["amount"] == "250000.00"
    assert made["commitment"]["ask"]["committedTotal"] is None
    assert (await commit(given, as_investor))["userErrors"][0]["code"] == "ALREADY_COMMITTED"
    commitment_id = made["commitment"]["id"]
    # Only the committer changes or withdraws it (others: NOT_FOUND, nothing revealed)
    change = {"commitment": commitment_id, "amount": "300000", "disclosed": True}
    refused = await graphql.data(CHANGE, {"input": change}, as_other)
    assert refused["investmentCommitmentChange"]["userErrors"][0]["code"] == "NOT_FOUND"
    refused = await graphql.data(CHANGE, {"input": change}, as_staff)
    assert refused["investmentCommitmentChange"]["userErrors"][0]["code"] == "NOT_FOUND"
    bad = await graphql.data(
        CHANGE, {"input": {"commitment": commitment_id, "amount": "-1"}}, as_investor
    )
    assert bad["investmentCommitmentChange"]["userErrors"][0]["code"] == "INVALID_AMOUNT"
    changed = await graphql.data(CHANGE, {"input": change}, as_investor)
    assert changed["investmentCommitmentChange"]["commitment"] == {
        "amount": "300000.00",
        "conditions": "Board seat",
        "disclosed": True,
        "status": "ACTIVE",
    }
    withdraw = {"input": {"commitment": commitment_id}}
    done = await graphql.data(WITHDRAW, withdraw, as_investor)
    assert done["investmentCommitmentWithdraw"]["commitment"]["status"] == "WITHDRAWN"
    again = await graphql.data(WITHDRAW, withdraw, as_investor)
    assert again["investmentCommitmentWithdraw"]["userErrors"][0]["code"] == "ALREADY_WITHDRAWN"
    # Committing again renews the withdrawn commitment
    renewed = await commit({**given, "amount": "5"}, as_investor)
    assert renewed["commitment"]["id"] == commitment_id
    assert renewed["commitment"]["status"] == "ACTIVE"
    # Closing: staff only, once; then nothing changes
    close = {"input": {"ask": ask_id}}
    refused = await graphql.data(CLOSE, close, as_other)
    assert refused["investmentAskClose"]["userErrors"][0]["code"] == "NOT_STAFF"
    closed = await graphql.data(CLOSE, close, as_staff)
    assert closed["investmentAskClose"]["ask"]["status"] == "CLOSED"
    again = await graphql.data(CLOSE, close, as_staff)
    assert again["investmentAskClose"]["userErrors"][0]["code"] == "ALREADY_CLOSED"
    assert (await commit(given, as_other))["userErrors"][0]["code"] == "ASK_CLOSED"
    late = await graphql.data(CHANGE, {"input": change}, as_investor)
    assert late["investmentCommitmentChange"]["userErrors"][0]["code"] == "ASK_CLOSED"
    late = await graphql.data(WITHDRAW, withdraw, as_investor)
    assert late["investmentCommitmentWithdraw"]["userErrors"][0]["code"] == "ASK_CLOSED"
    action = AuditLogEntry.action == "investmentAsk.close"
    assert await _count(session, AuditLogEntry, action) == 1


async def test_the_startup_is_told_without_the_name_of_who_stays_undisclosed(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    startup = await _startup(session)
    staff = await factories.engineer(session)
    await factories.affiliation(session, staff, startup)
    target = await world.ask(session, startup)
    quiet, open_person = await factories.engineer(session), await factories.engineer(session)
    ask_id = encode_id("InvestmentAsk", target.id)
    for person, disclosed in ((quiet, False), (open_person, True)):
        viewer = await viewers.engineer(session, registry, person)
        given = {"ask": ask_id, "amount": "10", "disclosed": disclosed}
        await graphql.data(COMMIT, {"input": given}, viewer)
    rows = list(
        await session.scalars(
            select(Notification)
            .where(Notification.recipient_id == staff.id)
            .order_by(Notification.id)
        )
    )
    assert [row.kind for row in rows] == ["INVESTMENT_COMMITMENT_CHANGED"] * 2
    assert [row.actor_id for row in rows] == [None, open_person.id]
    assert all(set(row.payload) == {"askId", "action"} for row in rows)
    # Closing tells both committers
    await graphql.data(
        CLOSE, {"input": {"ask": ask_id}}, await viewers.engineer(session, registry, staff)
    )
    told = await session.scalars(
        select(Notification.recipient_id).where(Notification.kind == "INVESTMENT_ASK_CLOSED")
    )
    assert sorted(told) == sorted([quiet.id, open_person.id])


async def test_ask_lists_cost_the_same_statements_for_any_page_size(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry, statements: Any
) -> None:
    startup = await _startup(session)
    staff = await factories.engineer(session)
    await factories.affiliation(session, staff, startup)
    for number in range(12):
        target = await world.ask(session, startup, title=f"Ask {number}")
        for _ in range(2):
            await world.commitment(
                session, target, await factories.engineer(session), disclosed=True
            )
    reader = await viewers.engineer(session, registry, staff)
    counts = {}
    for size in (2, 12):
        statements.reset()
        data = await graphql.data(ASKS, {"first": size}, reader)
        assert len(data["investmentAsks"]["nodes"]) == size
        assert data["investmentAsks"]["nodes"][0]["commitments"]["totalCount"] == 2
        counts[size] = statements.count
    assert counts[2] == counts[12] == 1, counts
