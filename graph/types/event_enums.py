"""GraphQL enums of chapter events, each value described."""

import enum

import strawberry

from db.enums import EventKind, EventStatus, EventVisibility, RegistrationStatus
from graph.services.event_rules import EventErrorCode
from graph.types.enums import describe_enum

describe_enum(
    EventKind,
    "What sort of gathering a chapter event is.",
    {
        "TALK": "A talk by one or more speakers.",
        "WEBINAR": "An online seminar.",
        "MEETUP": "An informal gathering of members.",
        "SITE_VISIT": "A visit to a plant, site or laboratory.",
        "WORKSHOP": "A hands-on working session.",
    },
)
describe_enum(
    EventVisibility,
    "Who may see a chapter event.",
    {
        "PUBLIC": "Everyone, signed in or not; listed in the chapter's public calendar feed.",
        "MEMBERS_ONLY": "Active members of the hosting (and accepted co-hosting) chapter, and "
        "council admins; invisible to everyone else in every list and lookup.",
    },
)
describe_enum(
    EventStatus,
    "Whether a chapter event still takes place.",
    {
        "SCHEDULED": "It takes place as announced.",
        "CANCELLED": "It was cancelled; everyone registered was notified.",
    },
)
describe_enum(
    RegistrationStatus,
    "Where one person's RSVP to an event stands.",
    {
        "REGISTERED": "Holds a place.",
        "WAITLISTED": "Waits for a place; promoted in order as places free up.",
        "CANCELLED": "Gave up the place or waitlist spot.",
    },
)
describe_enum(
    EventErrorCode,
    "Why an event or announcement mutation was refused.",
    {
        "NOT_FOUND": "No such event, chapter or person (or you cannot see it).",
        "EVENTS_DISABLED": "The chapter's config does not switch events on (or it is archived).",
        "INVALID_TITLE": "The title is shorter than 3 or longer than 200 characters.",
        "INVALID_DESCRIPTION": "The description is longer than 20,000 characters.",
        "INVALID_TIME": "A time without UTC offset, a start in the past, an end before the "
        "start, or an event longer than 14 days.",
        "INVALID_TIMEZONE": "Not an IANA time zone name.",
        "INVALID_URL": "The online link is not an http(s) URL of at most 500 characters.",
        "INVALID_VENUE": "The venue is longer than 300 characters.",
        "NO_PLACE": "An event needs an online link, a venue or both.",
        "INVALID_CAPACITY": "Capacity is 1 to 100,000 places.",
        "CAPACITY_BELOW_ATTENDEES": "More people hold a place than the new capacity.",
        "INVALID_REGISTRATION_WINDOW": "Registration must close after it opens and by the end.",
        "INVALID_SPEAKER": "More than 20 speakers, an unknown engineer, or a guest without name.",
        "CANCELLED": "The event is cancelled.",
        "ENDED": "The event is over.",
        "REGISTRATION_CLOSED": "Registration is not open now.",
        "ALREADY_REGISTERED": "You already hold a place or a waitlist spot.",
        "NOT_REGISTERED": "No place or waitlist spot to act on.",
        "ALREADY_CHECKED_IN": "The person was checked in already.",
        "CHECK_IN_CLOSED": "Check-in runs from a day before the start to a day after the end.",
        "INVALID_COHOST": "A chapter cannot co-host its own event.",
        "NOT_INVITED": "No chapter is invited to co-host the event.",
        "ALREADY_ACCEPTED": "A co-host has accepted already.",
        "UNCHANGED": "Nothing to change.",
        "INVALID_ANNOUNCEMENT": "A title of 3-200 and a body of 1-10,000 characters.",
    },
)


@strawberry.enum(description="How a list of events is ordered.")
class EventOrder(enum.Enum):
    """Sort keys for events."""

    START_ASC = strawberry.enum_value("START_ASC", description="Soonest start first.")
    START_DESC = strawberry.enum_value("START_DESC", description="Latest start first.")
