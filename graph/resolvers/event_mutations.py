"""Event mutations: schedule, edit, cancel, co-host, RSVP, check in; announcements; feeds."""

from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from graph.auth.permissions import require_engineer, requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.resolvers.event_payloads import (
    ANSWERS,
    CalendarFeedPayload,
    CalendarFeedRevokePayload,
    ChapterAnnouncementPayload,
    ChapterAnnouncementPostInput,
    EventCancelInput,
    EventCheckInInput,
    EventCohostAcceptInput,
    EventCohostInviteInput,
    EventCreateInput,
    EventPayload,
    EventRegistrationPayload,
    EventRsvpCancelInput,
    EventRsvpInput,
    EventSpeakerInput,
    EventUpdateInput,
)
from graph.resolvers.mutation import decode, run
from graph.services import announcement as announcement_service
from graph.services import calendar_feed
from graph.services import event as service
from graph.services import event_registration as registrations
from graph.services.event_fields import EventFields, Speaker
from graph.services.event_rules import EventErrorCode
from graph.services.problems import Rejected, reject
from graph.types.announcement import ChapterAnnouncement
from graph.types.event import Event, EventRegistration

FEED_PATH = "/calendar/{token}.ics"
"""Where a personal feed is served (graph.http.calendar)."""


def _speakers(given: list[EventSpeakerInput] | None) -> list[Speaker]:
    speakers: list[Speaker] = []
    for speaker in given or ():
        if speaker.engineer is not None:
            key = decode(
                speaker.engineer, "Engineer", EventErrorCode.INVALID_SPEAKER, "input", "speakers"
            )
            speakers.append(Speaker(engineer_id=key))
        else:
            speakers.append(Speaker(name=speaker.name, affiliation=speaker.affiliation))
    return speakers


def _fields(given: Any, names: tuple[str, ...]) -> EventFields:
    fields = EventFields()
    for name in names:
        value = getattr(given, name)
        if value is strawberry.UNSET:
            continue
        setattr(fields, name, value)
    if given.speakers is not strawberry.UNSET:
        fields.speakers = _speakers(given.speakers)
    return fields


CREATE_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "timezone",
    "online_url",
    "venue",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "visibility",
)


def _event_payload(result: models.Event | Rejected) -> EventPayload:
    return ANSWERS.payload(EventPayload, result, event=Event.from_model)


def _registration_payload(
    result: models.EventRegistration | Rejected,
) -> EventRegistrationPayload:
    return ANSWERS.payload(
        EventRegistrationPayload, result, registration=EventRegistration.from_model
    )


def _event_key(value: str) -> int:
    return decode(value, "Event", EventErrorCode.NOT_FOUND, "input", "event")


ORGANISE = requires(Scope.EVENTS_MANAGE, chapter=True)
CREATE = "Schedule an event for a chapter whose config switches events on; audited." + ORGANISE
UPDATE = (
    "Edit an event of your chapter; its SEQUENCE goes up; moving it (time, time zone, venue, "
    "online link) notifies everyone registered or waiting; more capacity promotes the "
    "waitlist in order; audited." + ORGANISE
)
CANCEL = (
    "Cancel an event of your chapter: everyone registered or waiting is notified and its "
    "calendar entry turns STATUS:CANCELLED; audited." + ORGANISE
)
COHOST_INVITE = (
    "Invite a second chapter (that runs events) to co-host an event of your chapter; "
    "audited." + ORGANISE
)
COHOST_ACCEPT = (
    "Accept, for the invited chapter, an invitation to co-host; its organisers then run the "
    "event too (check-in, attendee list) and its members see members-only events; audited."
    + requires(Scope.EVENTS_MANAGE)
    + " (in the invited chapter)"
)
RSVP = (
    "Ask for a place at an event you can see: a place while there is one, else a waitlist "
    "spot (promoted in order, with a notification, as places free up). Signed-in engineers."
)
RSVP_CANCEL = "Give up your place or waitlist spot; the first in line takes a freed place."
CHECK_IN = (
    "Check an attendee in at the door: organisers of the hosting or co-hosting chapter, from a "
    "day before the start to a day after the end; audited." + ORGANISE
)
ANNOUNCE = (
    "Post an announcement to a chapter: one notification for each active member (in one "
    "statement); audited." + requires(Scope.ANNOUNCEMENTS_WRITE, chapter=True)
)
FEED_ROTATE = (
    "Create (or replace) your personal calendar feed's secret address: the events you hold a "
    "place or waitlist spot for, as iCalendar. The old address stops working. Signed-in "
    "engineers."
)
FEED_REVOKE = "Revoke your personal calendar feed's address. Signed-in engineers."


async def event_create(
    info: Info,
    input: Annotated[EventCreateInput, strawberry.argument(description="The event.")],
) -> EventPayload:
    """eventCreate."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> models.Event:
        key = decode(input.chapter, "Chapter", EventErrorCode.NOT_FOUND, "input", "chapter")
        fields = _fields(input, CREATE_FIELDS)
        fields.speakers = _speakers(input.speakers)
        return await service.create(
            session, info.context.viewer, key, fields, request_id=info.context.request_id
        )

    return _event_payload(await run(info, work))


async def event_update(
    info: Info,
    input: Annotated[EventUpdateInput, strawberry.argument(description="The changes.")],
) -> EventPayload:
    """eventUpdate."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> models.Event:
        key = _event_key(input.event)
        fields = _fields(input, CREATE_FIELDS)
        for name in (
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "timezone",
            "capacity",
            "visibility",
        ):
            if getattr(fields, name) is None:
                raise reject(
                    EventErrorCode.UNCHANGED, "This field cannot be cleared.", "input", name
                )
        return await service.update(
            session, info.context.viewer, key, fields, request_id=info.context.request_id
        )

    return _event_payload(await run(info, work))


async def event_cancel(
    info: Info,
    input: Annotated[EventCancelInput, strawberry.argument(description="Event and reason.")],
) -> EventPayload:
    """eventCancel."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> models.Event:
        return await service.cancel(
            session,
            info.context.viewer,
            _event_key(input.event),
            reason=input.reason,
            request_id=info.context.request_id,
        )

    return _event_payload(await run(info, work))


async def event_cohost_invite(
    info: Info,
    input: Annotated[EventCohostInviteInput, strawberry.argument(description="The invitation.")],
) -> EventPayload:
    """eventCohostInvite."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> models.Event:
        key = _event_key(input.event)
        chapter = decode(input.chapter, "Chapter", EventErrorCode.NOT_FOUND, "input", "chapter")
        return await service.invite_cohost(
            session, info.context.viewer, key, chapter, request_id=info.context.request_id
        )

    return _event_payload(await run(info, work))


async def event_cohost_accept(
    info: Info,
    input: Annotated[EventCohostAcceptInput, strawberry.argument(description="The event.")],
) -> EventPayload:
    """eventCohostAccept."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> models.Event:
        return await service.accept_cohost(
            session,
            info.context.viewer,
            _event_key(input.event),
            request_id=info.context.request_id,
        )

    return _event_payload(await run(info, work))


async def event_rsvp(
    info: Info,
    input: Annotated[EventRsvpInput, strawberry.argument(description="The event.")],
) -> EventRegistrationPayload:
    """eventRsvp."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> models.EventRegistration:
        return await registrations.rsvp(
            session, info.context.viewer, _event_key(input.event), listed=input.listed
        )

    return _registration_payload(await run(info, work))


async def event_rsvp_cancel(
    info: Info,
    input: Annotated[EventRsvpCancelInput, strawberry.argument(description="The event.")],
) -> EventRegistrationPayload:
    """eventRsvpCancel."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> models.EventRegistration:
        return await registrations.cancel_rsvp(
            session, info.context.viewer, _event_key(input.event)
        )

    return _registration_payload(await run(info, work))


async def event_check_in(
    info: Info,
    input: Annotated[EventCheckInInput, strawberry.argument(description="Event and person.")],
) -> EventRegistrationPayload:
    """eventCheckIn."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> models.EventRegistration:
        key = _event_key(input.event)
        engineer = decode(
            input.engineer, "Engineer", EventErrorCode.NOT_REGISTERED, "input", "engineer"
        )
        return await service.check_in(
            session, info.context.viewer, key, engineer, request_id=info.context.request_id
        )

    return _registration_payload(await run(info, work))


async def chapter_announcement_post(
    info: Info,
    input: Annotated[
        ChapterAnnouncementPostInput, strawberry.argument(description="The announcement.")
    ],
) -> ChapterAnnouncementPayload:
    """chapterAnnouncementPost."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> models.ChapterAnnouncement:
        key = decode(input.chapter, "Chapter", EventErrorCode.NOT_FOUND, "input", "chapter")
        return await announcement_service.post(
            session,
            info.context.viewer,
            key,
            title=input.title,
            body=input.body,
            request_id=info.context.request_id,
        )

    result = await run(info, work)
    return ANSWERS.payload(
        ChapterAnnouncementPayload, result, announcement=ChapterAnnouncement.from_model
    )


async def calendar_feed_rotate(info: Info) -> CalendarFeedPayload:
    """calendarFeedRotate."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> str:
        return await calendar_feed.rotate(session, info.context.viewer)

    token = await run(info, work)
    assert isinstance(token, str)
    return CalendarFeedPayload(token=token, path=FEED_PATH.format(token=token))


async def calendar_feed_revoke(info: Info) -> CalendarFeedRevokePayload:
    """calendarFeedRevoke."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> bool:
        return await calendar_feed.revoke(session, info.context.viewer)

    revoked = await run(info, work)
    assert isinstance(revoked, bool)
    return CalendarFeedRevokePayload(revoked=revoked)
