"""The Python and SQL readings of a field's visibility setting agree."""

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import FieldVisibility, ProfileField
from db.models import Engineer
from graph.services.visibility import FIELD_DEFAULTS, level_expression, level_of
from tests import factories


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({}, FIELD_DEFAULTS[ProfileField.EMAIL]),
        ({"email": None}, FIELD_DEFAULTS[ProfileField.EMAIL]),
        ({"email": "PUBLIC"}, FieldVisibility.PUBLIC),
    ],
)
async def test_python_and_sql_agree_on_the_level(
    session: AsyncSession, stored: dict[str, str | None], expected: FieldVisibility
) -> None:
    engineer = await factories.engineer(session)
    await session.execute(
        update(Engineer).where(Engineer.id == engineer.id).values(field_visibility=stored)
    )
    sql_level = await session.scalar(
        select(level_expression(ProfileField.EMAIL)).where(Engineer.id == engineer.id)
    )
    assert level_of(stored, ProfileField.EMAIL) == expected
    assert sql_level == expected.value


def test_an_unreadable_setting_fails_closed() -> None:
    assert level_of({"email": "EVERYONE"}, ProfileField.EMAIL) == FieldVisibility.PRIVATE
