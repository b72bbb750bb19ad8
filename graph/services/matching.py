"""Who may ask for matches, and what of each contributor's profile a match may use."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ProfileField
from db.queries import matching as queries
from db.queries.matching import Audience, Match
from graph.auth.permissions import require_engineer
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.errors import Forbidden
from graph.services import opportunity as opportunities
from graph.services.seeker import acts_for_seeker
from graph.services.visibility import field_visible


def audience(viewer: Viewer, registry: ChapterRegistry) -> Audience:
    """The viewer's view of contributors' fields, by relationship (consent-gated reads are
    logged per read elsewhere, so matching does not use consent)."""
    return Audience(
        sectors=field_visible(viewer, registry, ProfileField.SECTORS),
        skills=field_visible(viewer, registry, ProfileField.SKILLS),
        languages=field_visible(viewer, registry, ProfileField.LANGUAGES),
        timezone=field_visible(viewer, registry, ProfileField.TIMEZONE),
        capacity=field_visible(viewer, registry, ProfileField.CAPACITY),
    )


async def contributors_for(
    session: AsyncSession,
    viewer: Viewer,
    registry: ChapterRegistry,
    opportunity_id: int,
    *,
    first: int,
    after: tuple[Decimal, int] | None = None,
) -> list[Match]:
    """Ranked contributors for an opportunity; only its seeker side (and admins) may ask."""
    row = await opportunities.readable(session, viewer, opportunity_id)
    if not (
        viewer.is_council_admin
        or await acts_for_seeker(session, viewer, row.poster_id, row.institution_id)
    ):
        raise Forbidden("Only the seeker side sees an opportunity's matches.")
    return await queries.list_contributors(
        session, row.id, audience(viewer, registry), limit=first, after=after
    )


async def opportunities_for(
    session: AsyncSession,
    viewer: Viewer,
    *,
    first: int,
    after: tuple[Decimal, int] | None = None,
) -> list[Match]:
    """Open opportunities recommended to the signed-in engineer."""
    engineer_id = require_engineer(viewer)
    return await queries.list_opportunities(
        session, engineer_id, opportunities.visible_to(viewer), limit=first, after=after
    )
