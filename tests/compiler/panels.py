"""The compiled-read world's investment asks and panels: commitments disclosed or not, active
or withdrawn; panels open and closed with seats upcoming, serving and ended, candidacies and
meetings. No engagements, ledger entries or notifications, so other answers do not move."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Engineer, Institution, PanelAttendance, Sector
from graph.ids import encode_id
from tests import panel_world as world

if TYPE_CHECKING:
    from tests.compiler.conftest import World

CLOSED_AT = datetime(2025, 11, 30, 12, 0, tzinfo=UTC)


async def build(session: AsyncSession, found: "World") -> None:
    """Two asks of cmp-start (one closed) with five commitments; two panels of cmp-uni."""
    startup = await session.get_one(Institution, found.pks["cmp-start"])
    university = await session.get_one(Institution, found.pks["cmp-uni"])
    water = await session.scalar(select(Sector).where(Sector.slug == "cmp-water"))
    people = {number: found.pks[f"cmp-{number}"] for number in range(7)}
    engineers = {number: await session.get_one(Engineer, key) for number, key in people.items()}

    open_ask = await world.ask(
        session, startup, title="Cmp seed round", sector_id=water.id if water else None
    )
    closed_ask = await world.ask(
        session,
        startup,
        title="Cmp pre-seed",
        stage="PRE_SEED",
        currency="USD",
        amount_sought=Decimal("120000.00"),
        status="CLOSED",
        closed_at=CLOSED_AT,
    )
    found.ids["ask-open"] = encode_id("InvestmentAsk", open_ask.id)
    found.ids["ask-closed"] = encode_id("InvestmentAsk", closed_ask.id)
    commitments: list[tuple[Any, int, dict[str, Any]]] = [
        (open_ask, 0, {"disclosed": True, "conditions": "A board observer seat"}),
        (open_ask, 2, {"amount": Decimal("99.50")}),
        (open_ask, 3, {"disclosed": True, "status": "WITHDRAWN", "withdrawn_at": CLOSED_AT}),
        (open_ask, 5, {"status": "WITHDRAWN", "withdrawn_at": CLOSED_AT}),
        (closed_ask, 0, {"amount": Decimal("5000.00")}),
    ]
    for index, (target, number, values) in enumerate(commitments):
        row = await world.commitment(session, target, engineers[number], **values)
        found.ids[f"commitment-{index}"] = encode_id("InvestmentCommitment", row.id)

    panel = await world.panel(
        session,
        university,
        name="Cmp advisory panel",
        term_starts_on=date(2025, 1, 1),
        term_ends_on=date(2035, 12, 31),
    )
    closed_panel = await world.panel(
        session,
        university,
        name="Cmp curriculum review",
        kind="CURRICULUM_REVIEW",
        seats=1,
        status="CLOSED",
        closed_at=CLOSED_AT,
        term_starts_on=date(2024, 1, 1),
        term_ends_on=date(2025, 1, 1),
    )
    found.ids["panel-open"] = encode_id("AdvisoryPanel", panel.id)
    found.ids["panel-closed"] = encode_id("AdvisoryPanel", closed_panel.id)
    seats: list[tuple[Any, int, dict[str, Any]]] = [
        (panel, 0, {}),
        (panel, 2, {"term_ends_on": date(2025, 6, 30)}),
        (panel, 3, {"ended_on": date(2025, 3, 1)}),
        (panel, 5, {"term_starts_on": date(2034, 1, 1)}),
        (closed_panel, 6, {}),
    ]
    memberships = []
    for index, (target, number, values) in enumerate(seats):
        seat = await world.seat(session, target, engineers[number], **values)
        memberships.append(seat)
        found.ids[f"seat-{index}"] = encode_id("PanelMembership", seat.id)
    candidacies: list[tuple[Any, int, dict[str, Any]]] = [
        (panel, 6, {"statement": "Water policy experience"}),
        (panel, 5, {"source": "NOMINATED", "status": "NOMINATED", "nominated_by_id": people[3]}),
        (panel, 0, {"status": "APPOINTED", "decided_at": CLOSED_AT}),
        (closed_panel, 1, {"status": "WITHDRAWN", "decided_at": CLOSED_AT}),
    ]
    for index, (target, number, values) in enumerate(candidacies):
        standing = await world.candidacy(session, target, engineers[number], **values)
        found.ids[f"candidacy-{index}"] = encode_id("PanelCandidacy", standing.id)
    for index, (held, attendees) in enumerate(
        ((date(2025, 2, 1), (0, 2)), (date(2025, 9, 1), (0,)))
    ):
        meeting = await world.meeting(
            session, panel, title=f"Cmp meeting {index}", held_on=held, notes=f"Notes {index}"
        )
        found.ids[f"meeting-{index}"] = encode_id("PanelMeeting", meeting.id)
        for position in attendees:
            session.add(
                PanelAttendance(meeting_id=meeting.id, membership_id=memberships[position].id)
            )
    await session.flush()
