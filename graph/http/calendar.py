"""Calendar feeds over plain HTTP (calendar apps cannot send bearer tokens): a chapter's
public events, and a person's registered events behind a secret, revocable feed token."""

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from db.enums import RegistrationStatus
from db.models import Chapter, EventRegistration
from db.queries import event as queries
from graph.auth.routes import AuthState
from graph.services import calendar, calendar_feed

NOT_FOUND = Response("no such calendar\n", status_code=404, media_type="text/plain")
HEADERS = {"Cache-Control": "private, max-age=300"}


def _auth(request: Request) -> AuthState:
    state: AuthState = request.app.state.auth
    return state


async def chapter_feed(request: Request) -> Response:
    """GET /chapters/{slug}/events.ics: the chapter's public events (hosted or co-hosted),
    cancelled ones as STATUS:CANCELLED; online links stay out (they are for attendees)."""
    slug = str(request.path_params["slug"])[:64]
    async with _auth(request).sessionmaker() as session:
        chapter = await session.scalar(select(Chapter).where(Chapter.slug == slug))
        if chapter is None:
            return NOT_FOUND
        events = list(await session.scalars(queries.feed_events(chapter.id)))
    body = calendar.render(f"{chapter.name} events", events)
    return Response(body, media_type=calendar.MEDIA_TYPE, headers=HEADERS)


async def personal_feed(request: Request) -> Response:
    """GET /calendar/{token}.ics: the events the token's owner holds a place or waitlist spot
    for, with online links where they hold a place; 404 for an unknown or revoked token."""
    token = str(request.path_params["token"])
    async with _auth(request).sessionmaker() as session:
        engineer_id = await calendar_feed.owner_of(session, token)
        if engineer_id is None:
            return NOT_FOUND
        events = list(await session.scalars(queries.personal_feed_events(engineer_id)))
        rows = await session.execute(
            select(EventRegistration.event_id, EventRegistration.status).where(
                EventRegistration.engineer_id == engineer_id
            )
        )
        statuses: dict[int, str] = {row[0]: row[1] for row in rows}
    places = frozenset(
        event_id
        for event_id, status in statuses.items()
        if status == RegistrationStatus.REGISTERED.value
    )
    body = calendar.render("My Brain Gain events", events, statuses=statuses, links=places)
    return Response(body, media_type=calendar.MEDIA_TYPE, headers=HEADERS)


def calendar_routes() -> list[Route]:
    """The feeds' routes."""
    return [
        Route("/chapters/{slug}/events.ics", chapter_feed, methods=["GET"]),
        Route("/calendar/{token}.ics", personal_feed, methods=["GET"]),
    ]
