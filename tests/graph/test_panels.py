"""Advisory panels: opening, nominating, applying, appointing up to the seats, terms ending on
their dates, meetings in the ledger; candidacy and notes rules as denied/allowed pairs."""

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AuditLogEntry,
    Engagement,
    EngagementSession,
    LedgerEntry,
    Notification,
    PanelCandidacy,
)
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, viewers
from tests import panel_world as world
from tests.conftest import GraphQLClient

CREATE = """
mutation ($input: AdvisoryPanelCreateInput!) {
  advisoryPanelCreate(input: $input) {
    panel { id name kind seats seatsFilled status termStartsOn termEndsOn institution { slug } }
    userErrors { field code }
  }
}
"""
CLOSE = """
mutation ($input: AdvisoryPanelInput!) {
  advisoryPanelClose(input: $input) { panel { status } userErrors { code } }
}
"""
NOMINATE = """
mutation ($input: PanelNominateInput!) {
  panelNominate(input: $input) {
    candidacy { id source status nominatedBy { handle } candidate { handle } }
    userErrors { field code }
  }
}
"""
APPLY = """
mutation ($input: PanelApplyInput!) {
  panelApply(input: $input) { candidacy { id source status } userErrors { code } }
}
"""
ACCEPT = """
mutation ($input: PanelCandidacyInput!) {
  panelNominationAccept(input: $input) { candidacy { status } userErrors { code } }
}
"""
WITHDRAW = """
mutation ($input: PanelCandidacyInput!) {
  panelCandidacyWithdraw(input: $input) { candidacy { status } userErrors { code } }
}
"""
APPOINT = """
mutation ($input: PanelCandidacyInput!) {
  panelAppoint(input: $input) {
    membership { id status termEndsOn member { handle } panel { seatsFilled } }
    userErrors { code }
  }
}
"""
END = """
mutation ($input: PanelMembershipInput!) {
  panelMembershipEnd(input: $input) { membership { status endedOn } userErrors { code } }
}
"""
MEETING = """
mutation ($input: PanelMeetingLogInput!) {
  panelMeetingLog(input: $input) {
    meeting { id title minutes notes attendees { handle } }
    userErrors { field code }
  }
}
"""
PANEL_NODE = """
query ($id: ID!) {
  node(id: $id) {
    id
    ... on AdvisoryPanel {
      name purpose kind seats seatsFilled termStartsOn termEndsOn status createdAt closedAt
      institution { slug }
      members(first: 10) {
        totalCount
        edges { cursor node { id status termStartsOn termEndsOn endedOn member { handle } } }
      }
      candidacies(first: 10) {
        totalCount
        nodes { source status statement candidate { handle } nominatedBy { handle } }
      }
      meetings(first: 5) {
        totalCount pageInfo { hasNextPage }
        nodes { title heldOn minutes notes attendees { handle } panel { name } }
      }
    }
  }
}
"""
PANEL_PARTS = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    id
    ... on PanelCandidacy { candidacyStatus: status statement candidate { handle } panel { name } }
    ... on PanelMembership { seatStatus: status endedOn member { handle } panel { name } }
    ... on PanelMeeting { title notes attendees { handle } }
  }
}
"""
PANELS = """
query ($first: Int!) {
  advisoryPanels(first: $first) {
    totalCount
    nodes {
      name seatsFilled institution { slug }
      members(first: 3) { totalCount nodes { status member { handle } } }
      candidacies(first: 3) { totalCount nodes { status } }
      meetings(first: 2) { nodes { title attendees { handle } } }
    }
  }
}
"""


async def _count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def _staffed(session: AsyncSession) -> tuple[Any, Any]:
    body = await factories.institution(session, slug="energy-board", kind="GOVERNMENT")
    staff = await factories.engineer(session, handle="clerk")
    await factories.affiliation(session, staff, body)
    return body, staff


async def test_only_staff_open_panels_and_bad_input_changes_nothing(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    body, staff = await _staffed(session)
    stranger = await factories.engineer(session)
    start = world.today()
    given = {
        "institution": encode_id("Institution", body.id),
        "name": "Curriculum review: electrical",
        "purpose": "Review the BSc Electrical curriculum against industry needs.",
        "kind": "CURRICULUM_REVIEW",
        "seats": 5,
        "termStartsOn": start.isoformat(),
        "termEndsOn": (start + timedelta(days=730)).isoformat(),
    }
    denied = await graphql.execute(CREATE, {"input": given})
    assert denied.errors[0].extensions["code"] == "UNAUTHENTICATED"
    refused = await graphql.data(
        CREATE, {"input": given}, await viewers.engineer(session, registry, stranger)
    )
    assert refused["advisoryPanelCreate"]["userErrors"][0]["code"] == "NOT_STAFF"
    as_staff = await viewers.engineer(session, registry, staff)
    past = (start - timedelta(days=1)).isoformat()
    invalid: list[tuple[dict[str, Any], str]] = [
        ({"institution": "nope"}, "NOT_FOUND"),
        ({"name": ""}, "INVALID_NAME"),
        ({"name": "n" * 201}, "INVALID_NAME"),
        ({"purpose": "p" * 5001}, "INVALID_PURPOSE"),
        ({"seats": 0}, "INVALID_SEATS"),
        ({"seats": 51}, "INVALID_SEATS"),
        ({"termEndsOn": given["termStartsOn"]}, "INVALID_TERM"),
        ({"termStartsOn": "2000-01-01", "termEndsOn": past}, "INVALID_TERM"),
        ({"termEndsOn": (start + timedelta(days=5000)).isoformat()}, "INVALID_TERM"),
    ]
    for change, code in invalid:
        answer = await graphql.data(CREATE, {"input": {**given, **change}}, as_staff)
        assert answer["advisoryPanelCreate"]["userErrors"][0]["code"] == code, change
    assert await _count(session, AuditLogEntry) == 0
    created = (await graphql.data(CREATE, {"input": given}, as_staff))["advisoryPanelCreate"]
    assert created["userErrors"] == []
    assert created["panel"]["seatsFilled"] == 0
    assert created["panel"]["status"] == "OPEN"
    action = AuditLogEntry.action == "advisoryPanel.create"
    assert await _count(session, AuditLogEntry, action) == 1


async def test_nominate_accept_appoint_up_to_the_seats(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    body, staff = await _staffed(session)
    panel = await world.panel(session, body, seats=2, kind="CURRICULUM_REVIEW")
    panel_id = encode_id("AdvisoryPanel", panel.id)
    nominator = await factories.engineer(session, handle="nominator")
    nominee = await factories.engineer(session, handle="nominee")
    applicant = await factories.engineer(session, handle="applicant")
    third = await factories.engineer(session, handle="third")
    as_staff = await viewers.engineer(session, registry, staff)
    as_nominator = await viewers.engineer(session, registry, nominator)
    as_nominee = await viewers.engineer(session, registry, nominee)
    as_applicant = await viewers.engineer(session, registry, applicant)
    nomination = {"panel": panel_id, "candidate": encode_id("Engineer", nominee.id)}
    # Nominating: signed in, someone else, once, with a short statement
    assert (await graphql.execute(NOMINATE, {"input": nomination})).errors[0].extensions[
        "code"
    ] == "UNAUTHENTICATED"
    for change, code, viewer in [
        ({"candidate": encode_id("Engineer", nominator.id)}, "SELF_NOMINATION", as_nominator),
        ({"candidate": "x"}, "NOT_FOUND", as_nominator),
        ({"candidate": encode_id("Engineer", 10**9)}, "NOT_FOUND", as_nominator),
        ({"panel": encode_id("AdvisoryPanel", 10**9)}, "NOT_FOUND", as_nominator),
        ({"statement": "s" * 5001}, "INVALID_STATEMENT", as_nominator),
    ]:
        answer = await graphql.data(NOMINATE, {"input": {**nomination, **change}}, viewer)
        assert answer["panelNominate"]["userErrors"][0]["code"] == code, change
    nominated = (await graphql.data(NOMINATE, {"input": nomination}, as_nominator))["panelNominate"]
    assert nominated["candidacy"]["status"] == "NOMINATED"
    assert nominated["candidacy"]["nominatedBy"] == {"handle": "nominator"}
    again = await graphql.data(NOMINATE, {"input": nomination}, as_staff)
    assert again["panelNominate"]["userErrors"][0]["code"] == "ALREADY_CANDIDATE"
    nominee_told = Notification.kind == "PANEL_NOMINATED"
    assert await _count(
        session, Notification, nominee_told, Notification.recipient_id == nominee.id
    )
    candidacy = {"input": {"candidacy": nominated["candidacy"]["id"]}}
    # The staff cannot appoint before the nominee accepts; only the nominee accepts
    early = await graphql.data(APPOINT, candidacy, as_staff)
    assert early["panelAppoint"]["userErrors"][0]["code"] == "NOT_ACCEPTED"
    wrong = await graphql.data(ACCEPT, candidacy, as_nominator)
    assert wrong["panelNominationAccept"]["userErrors"][0]["code"] == "NOT_FOUND"
    accepted = await graphql.data(ACCEPT, candidacy, as_nominee)
    assert accepted["panelNominationAccept"]["candidacy"]["status"] == "PENDING"
    twice = await graphql.data(ACCEPT, candidacy, as_nominee)
    assert twice["panelNominationAccept"]["userErrors"][0]["code"] == "CANNOT_ACCEPT"
    # Appointing: the staff only, once; an engagement of the panel's kind starts; audited
    refused = await graphql.data(APPOINT, candidacy, as_nominator)
    assert refused["panelAppoint"]["userErrors"][0]["code"] == "NOT_STAFF"
    appointed = (await graphql.data(APPOINT, candidacy, as_staff))["panelAppoint"]
    assert appointed["userErrors"] == []
    assert appointed["membership"]["status"] == "ACTIVE"
    assert appointed["membership"]["panel"]["seatsFilled"] == 1
    twice = await graphql.data(APPOINT, candidacy, as_staff)
    assert twice["panelAppoint"]["userErrors"][0]["code"] == "ALREADY_MEMBER"
    engagement = await session.scalar(
        select(Engagement).where(Engagement.contributor_id == nominee.id)
    )
    assert engagement is not None
    assert (engagement.kind, engagement.status) == ("CURRICULUM_REVIEW", "ACTIVE")
    assert engagement.institution_id == body.id
    action = AuditLogEntry.action == "advisoryPanel.appoint"
    assert await _count(session, AuditLogEntry, action) == 1
    # A member cannot stand again; an applicant fills the last seat; then SEATS_FULL
    again = await graphql.data(APPLY, {"input": {"panel": panel_id}}, as_nominee)
    assert again["panelApply"]["userErrors"][0]["code"] == "ALREADY_MEMBER"
    applied = (await graphql.data(APPLY, {"input": {"panel": panel_id}}, as_applicant))[
        "panelApply"
    ]
    assert applied["candidacy"]["status"] == "PENDING"
    twice = await graphql.data(APPLY, {"input": {"panel": panel_id}}, as_applicant)
    assert twice["panelApply"]["userErrors"][0]["code"] == "ALREADY_CANDIDATE"
    await graphql.data(APPOINT, {"input": {"candidacy": applied["candidacy"]["id"]}}, as_staff)
    late = await world.candidacy(session, panel, third)
    full = await graphql.data(
        APPOINT, {"input": {"candidacy": encode_id("PanelCandidacy", late.id)}}, as_staff
    )
    assert full["panelAppoint"]["userErrors"][0]["code"] == "SEATS_FULL"
    # Withdrawing: the candidate only, while standing
    mine = {"input": {"candidacy": encode_id("PanelCandidacy", late.id)}}
    wrong = await graphql.data(WITHDRAW, mine, as_staff)
    assert wrong["panelCandidacyWithdraw"]["userErrors"][0]["code"] == "NOT_FOUND"
    gone = await graphql.data(WITHDRAW, mine, await viewers.engineer(session, registry, third))
    assert gone["panelCandidacyWithdraw"]["candidacy"]["status"] == "WITHDRAWN"
    malformed = await graphql.data(APPOINT, {"input": {"candidacy": "%%%"}}, as_staff)
    assert malformed["panelAppoint"]["userErrors"][0]["code"] == "NOT_FOUND"
    # Closing stops candidacies (staff only, once)
    close = {"input": {"panel": panel_id}}
    refused = await graphql.data(CLOSE, close, as_applicant)
    assert refused["advisoryPanelClose"]["userErrors"][0]["code"] == "NOT_STAFF"
    closed = await graphql.data(CLOSE, close, as_staff)
    assert closed["advisoryPanelClose"]["panel"]["status"] == "CLOSED"
    again = await graphql.data(CLOSE, close, as_staff)
    assert again["advisoryPanelClose"]["userErrors"][0]["code"] == "ALREADY_CLOSED"
    shut = await graphql.data(
        APPLY, {"input": {"panel": panel_id}}, await viewers.engineer(session, registry, third)
    )
    assert shut["panelApply"]["userErrors"][0]["code"] == "PANEL_CLOSED"
    assert await _count(session, PanelCandidacy, PanelCandidacy.candidate_id == staff.id) == 0


async def test_terms_end_on_their_dates_and_members_resign(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    body, staff = await _staffed(session)
    panel = await world.panel(session, body, seats=2)
    past = await factories.engineer(session, handle="past")
    future = await factories.engineer(session, handle="future")
    serving = await factories.engineer(session, handle="serving")
    today = world.today()
    await world.seat(
        session, panel, past, term_starts_on=today - timedelta(days=300), term_ends_on=today
    )
    await world.seat(
        session,
        panel,
        future,
        term_starts_on=today + timedelta(days=1),
        term_ends_on=today + timedelta(days=30),
    )
    gone = await world.seat(
        session,
        panel,
        await factories.engineer(session, handle="gone"),
        term_starts_on=today - timedelta(days=300),
        term_ends_on=today - timedelta(days=1),
    )
    as_staff = await viewers.engineer(session, registry, staff)
    candidacy = await world.candidacy(session, panel, serving)
    # A seat held through today counts; one that ended yesterday does not: the seats are full
    full = await graphql.data(
        APPOINT, {"input": {"candidacy": encode_id("PanelCandidacy", candidacy.id)}}, as_staff
    )
    assert full["panelAppoint"]["userErrors"][0]["code"] == "SEATS_FULL"
    panel_id = encode_id("AdvisoryPanel", panel.id)
    seen = (await graphql.data(PANEL_NODE, {"id": panel_id}))["node"]
    statuses = {
        edge["node"]["member"]["handle"]: edge["node"]["status"]
        for edge in seen["members"]["edges"]
    }
    assert statuses == {"past": "ACTIVE", "future": "UPCOMING", "gone": "ENDED"}
    assert seen["seatsFilled"] == 2
    # Ended seats cannot end again; a member resigns; the staff are told
    ended = await graphql.data(
        END, {"input": {"membership": encode_id("PanelMembership", gone.id)}}, as_staff
    )
    assert ended["panelMembershipEnd"]["userErrors"][0]["code"] == "ALREADY_ENDED"
    appointed = await _appointed(graphql, session, registry, panel, staff, None)
    assert appointed is None
    membership = {
        "input": {"membership": encode_id("PanelMembership", (await _seat_of(session, future)))}
    }
    outsider = await viewers.engineer(session, registry, serving)
    refused = await graphql.data(END, membership, outsider)
    assert refused["panelMembershipEnd"]["userErrors"][0]["code"] == "NOT_STAFF"
    resigned = await graphql.data(
        END, membership, await viewers.engineer(session, registry, future)
    )
    assert resigned["panelMembershipEnd"]["membership"]["status"] == "ENDED"
    told = Notification.kind == "PANEL_MEMBERSHIP_ENDED"
    assert await _count(session, Notification, told, Notification.recipient_id == staff.id) == 1
    # Now a seat is free
    done = await graphql.data(
        APPOINT, {"input": {"candidacy": encode_id("PanelCandidacy", candidacy.id)}}, as_staff
    )
    assert done["panelAppoint"]["membership"]["status"] == "ACTIVE"
    # The staff remove a member: audited, the engagement completes, the member is told
    removal = {"input": {"membership": done["panelAppoint"]["membership"]["id"]}}
    removed = await graphql.data(END, removal, as_staff)
    assert removed["panelMembershipEnd"]["membership"]["endedOn"] == today.isoformat()
    engagement = await session.scalar(
        select(Engagement).where(Engagement.contributor_id == serving.id)
    )
    assert engagement is not None
    assert engagement.status == "COMPLETED"
    action = AuditLogEntry.action == "advisoryPanel.endMembership"
    assert await _count(session, AuditLogEntry, action) == 1


async def _seat_of(session: AsyncSession, member: Any) -> int:
    from db.models import PanelMembership

    found = await session.scalar(
        select(PanelMembership.id).where(PanelMembership.member_id == member.id)
    )
    assert found is not None
    return int(found)


async def _appointed(
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    panel: Any,
    staff: Any,
    person: Any,
) -> Any:
    """Appoint `person` through the API (None: nobody) and return the membership's ID."""
    if person is None:
        return None
    row = await world.candidacy(session, panel, person)
    answer = await graphql.data(
        APPOINT,
        {"input": {"candidacy": encode_id("PanelCandidacy", row.id)}},
        await viewers.engineer(session, registry, staff),
    )
    assert answer["panelAppoint"]["userErrors"] == [], answer
    return answer["panelAppoint"]["membership"]["id"]


async def test_meetings_are_countersigned_sessions_in_the_ledger(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    body, staff = await _staffed(session)
    panel = await world.panel(session, body, seats=3)
    first, second = (
        await factories.engineer(session, handle="first"),
        await factories.engineer(session, handle="second"),
    )
    stranger = await factories.engineer(session, handle="stranger")
    seats = [await _appointed(graphql, session, registry, panel, staff, p) for p in (first, second)]
    other_panel = await world.panel(session, body, name="Other")
    outsider_seat = encode_id(
        "PanelMembership", (await world.seat(session, other_panel, stranger)).id
    )
    as_staff = await viewers.engineer(session, registry, staff)
    held = world.today().isoformat()
    given = {
        "panel": encode_id("AdvisoryPanel", panel.id),
        "title": "Tariff review",
        "heldOn": held,
        "minutes": 120,
        "notes": "Agreed the review scope.",
        "attendees": seats,
    }
    refused = await graphql.data(
        MEETING, {"input": given}, await viewers.engineer(session, registry, first)
    )
    assert refused["panelMeetingLog"]["userErrors"][0]["code"] == "NOT_STAFF"
    invalid: list[tuple[dict[str, Any], str]] = [
        ({"minutes": 0}, "INVALID_MEETING"),
        ({"heldOn": (world.today() + timedelta(days=2)).isoformat()}, "INVALID_MEETING"),
        ({"title": "t" * 201}, "INVALID_MEETING"),
        ({"notes": "n" * 20001}, "INVALID_MEETING"),
        ({"attendees": []}, "INVALID_MEETING"),
        ({"attendees": [*seats, outsider_seat]}, "NOT_ATTENDEE"),
        ({"attendees": ["bad"]}, "NOT_FOUND"),
        ({"heldOn": "2001-01-01"}, "NOT_ATTENDEE"),
    ]
    for change, code in invalid:
        answer = await graphql.data(MEETING, {"input": {**given, **change}}, as_staff)
        assert answer["panelMeetingLog"]["userErrors"][0]["code"] == code, change
    assert await _count(session, LedgerEntry) == 0
    logged = (await graphql.data(MEETING, {"input": given}, as_staff))["panelMeetingLog"]
    assert logged["userErrors"] == []
    assert [person["handle"] for person in logged["meeting"]["attendees"]] == ["first", "second"]
    entries = list(await session.scalars(select(LedgerEntry).order_by(LedgerEntry.engineer_id)))
    assert [(e.engineer_id, e.kind, e.minutes) for e in entries] == [
        (first.id, "ADVISORY_PANEL", 120),
        (second.id, "ADVISORY_PANEL", 120),
    ]
    sessions = list(await session.scalars(select(EngagementSession)))
    assert all(row.countersigned_at is not None for row in sessions)
    # Notes: staff and members read them; others see the meeting without notes
    meeting_ids = [logged["meeting"]["id"]]
    for viewer, shown in (
        (as_staff, True),
        (await viewers.engineer(session, registry, second), True),
        (await viewers.engineer(session, registry, await factories.engineer(session)), False),
    ):
        nodes = (await graphql.data(PANEL_PARTS, {"ids": meeting_ids}, viewer))["nodes"]
        assert (nodes[0]["notes"] is not None) is shown
    anonymous = (await graphql.data(PANEL_PARTS, {"ids": meeting_ids}))["nodes"]
    assert anonymous[0]["notes"] is None
    assert anonymous[0]["title"] == "Tariff review"


async def test_candidacies_show_to_candidate_nominator_and_staff_only(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    body, staff = await _staffed(session)
    panel = await world.panel(session, body)
    nominator = await factories.engineer(session, handle="nominator")
    candidate = await factories.engineer(session, handle="candidate")
    stranger = await factories.engineer(session, handle="stranger")
    row = await world.candidacy(
        session,
        panel,
        candidate,
        source="NOMINATED",
        status="NOMINATED",
        nominated_by_id=nominator.id,
    )
    ids = [encode_id("PanelCandidacy", row.id)]
    panel_id = encode_id("AdvisoryPanel", panel.id)
    for person, shown in (
        (staff, True),
        (nominator, True),
        (candidate, True),
        (stranger, False),
    ):
        viewer = await viewers.engineer(session, registry, person)
        nodes = (await graphql.data(PANEL_PARTS, {"ids": ids}, viewer))["nodes"]
        assert (nodes[0] is not None) is shown, person.handle
        seen = (await graphql.data(PANEL_NODE, {"id": panel_id}, viewer))["node"]
        assert seen["candidacies"]["totalCount"] == (1 if shown else 0)
    assert (await graphql.data(PANEL_PARTS, {"ids": ids}))["nodes"] == [None]
    client = viewers.client(body.id)
    assert (await graphql.data(PANEL_PARTS, {"ids": ids}, client))["nodes"][0] is not None


async def test_panel_lists_cost_the_same_statements_for_any_page_size(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry, statements: Any
) -> None:
    body, staff = await _staffed(session)
    for number in range(10):
        panel = await world.panel(session, body, name=f"Panel {number}")
        seat = await world.seat(session, panel, await factories.engineer(session))
        await world.candidacy(session, panel, await factories.engineer(session))
        meeting = await world.meeting(session, panel)
        from db.models import PanelAttendance

        session.add(PanelAttendance(meeting_id=meeting.id, membership_id=seat.id))
    reader = await viewers.engineer(session, registry, staff)
    counts = {}
    for size in (2, 10):
        await session.flush()
        statements.reset()
        data = await graphql.data(PANELS, {"first": size}, reader)
        nodes = data["advisoryPanels"]["nodes"]
        assert len(nodes) == size
        assert nodes[0]["candidacies"]["totalCount"] == 1
        assert len(nodes[0]["meetings"]["nodes"][0]["attendees"]) == 1
        counts[size] = statements.count
    assert counts[2] == counts[10] == 1, counts
