"""Viewers for tests: what a verified token would stand for, loaded the way the server does."""

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Engineer
from graph.auth.authentication import engineer_viewer
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry

ALL_SCOPES = frozenset(Scope)


async def engineer(
    session: AsyncSession,
    registry: ChapterRegistry,
    who: Engineer,
    scopes: frozenset[Scope] = ALL_SCOPES,
) -> Viewer:
    """The viewer of a token for `who` carrying `scopes` (roles decide where they apply)."""
    await session.flush()
    return await engineer_viewer(session, who.id, registry, scopes, client_id="test-app")


def client(
    institution_id: int, scopes: frozenset[Scope] = frozenset({Scope.PROFILES_READ})
) -> Viewer:
    """An institution's client-credentials token."""
    return Viewer(client_id="bgc_test", institution_id=institution_id, scopes=scopes)
