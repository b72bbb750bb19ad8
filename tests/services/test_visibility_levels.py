"""A field's visibility setting as SQL reads it: the stored level, else the default; an
unreadable setting hides the field."""

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import FieldVisibility, ProfileField
from db.models import Engineer
from graph.services.visibility import FIELD_DEFAULTS, level_expression
from tests import factories
from tests.conftest import GraphQLClient


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({}, FIELD_DEFAULTS[ProfileField.EMAIL]),
        ({"email": None}, FIELD_DEFAULTS[ProfileField.EMAIL]),
        ({"email": "PUBLIC"}, FieldVisibility.PUBLIC),
    ],
)
async def test_the_level_is_the_setting_or_the_default(
    session: AsyncSession, stored: dict[str, str | None], expected: FieldVisibility
) -> None:
    engineer = await factories.engineer(session)
    await session.execute(
        update(Engineer).where(Engineer.id == engineer.id).values(field_visibility=stored)
    )
    sql_level = await session.scalar(
        select(level_expression(ProfileField.EMAIL)).where(Engineer.id == engineer.id)
    )
    assert sql_level == expected.value


@pytest.mark.parametrize(("stored", "shown"), [("PUBLIC", True), ("EVERYONE", False)])
async def test_an_unreadable_setting_fails_closed(
    session: AsyncSession, graphql: GraphQLClient, stored: str, shown: bool
) -> None:
    # Given an engineer whose city setting is PUBLIC, or a value no level has
    engineer = await factories.engineer(session, handle=f"level-{stored.lower()}")
    await session.execute(
        update(Engineer)
        .where(Engineer.id == engineer.id)
        .values(field_visibility={"city": stored})
    )
    # When an anonymous visitor reads the profile
    data = await graphql.data(
        "query ($h: String!) { engineer(handle: $h) { city } }", {"h": engineer.handle}
    )
    # Then the city shows only for the readable PUBLIC setting
    assert (data["engineer"]["city"] is not None) is shown
