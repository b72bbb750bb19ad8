"""Demo data exports: one in each state, the READY one with its document."""

import json

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.enums import DataExportStatus
from db.models import DataExport
from db.seed.data_rights import seed_data_rights
from graph.chapters import ChapterRegistry
from tests import data_rights_world, factories


async def test_the_demo_shows_an_export_in_every_state(
    session: AsyncSession, connection: AsyncConnection, registry: ChapterRegistry
) -> None:
    # Given people with histories (the subject has the longest ledger)
    world = await data_rights_world.build(session, registry)
    for _ in range(3):
        await factories.engineer(session)
    await session.flush()

    # When the demo exports are written
    counts = await seed_data_rights(connection)

    # Then there is one per state, for different people, and only READY holds a document
    rows = list(await session.scalars(select(DataExport).order_by(DataExport.id)))
    assert counts == {"data_exports": 5}
    assert {row.status for row in rows} == {status.value for status in DataExportStatus}
    assert len({row.engineer_id for row in rows}) == 5
    ready = next(row for row in rows if row.status == DataExportStatus.READY)
    assert ready.engineer_id == world.subject.id
    document = await session.scalar(
        text("SELECT document::text FROM data_exports WHERE id = :id"), {"id": ready.id}
    )
    assert json.loads(document)["profile"]["name"] == data_rights_world.NAME
    running = next(row for row in rows if row.status == DataExportStatus.RUNNING)
    assert running.claimed_by == "seed-worker"
    expired = next(row for row in rows if row.status == DataExportStatus.EXPIRED)
    assert expired.expires_at is not None
    assert expired.ready_at is not None
