"""GraphQL enums of mentorship programmes, each value described."""

from db.enums import ProgrammeApplicationStatus, ProgrammeFormat, ProgrammeRole, ProgrammeStatus
from graph.services.programme_access import ProgrammeErrorCode
from graph.types.enums import describe_enum

describe_enum(
    ProgrammeStatus,
    "Where a mentorship programme's cohort stands.",
    {
        "OPEN": "Taking applications (inside its windows); no cohort proposed yet.",
        "PROPOSED": "Matching proposed a cohort; coordinators review and adjust it.",
        "PUBLISHED": "The cohort is published: each pair is a MENTORSHIP engagement.",
    },
)
describe_enum(
    ProgrammeFormat,
    "How a programme's mentors meet their mentees.",
    {
        "ONE_TO_ONE": "Each pair meets on its own.",
        "GROUP": "A mentor meets all their mentees together; one logged session counts for "
        "the group.",
    },
)
describe_enum(
    ProgrammeRole,
    "The side one applies for in a mentorship programme.",
    {
        "MENTOR": "Gives mentoring, to 1-3 mentees (slots).",
        "MENTEE": "Receives mentoring.",
    },
)
describe_enum(
    ProgrammeApplicationStatus,
    "A programme application's review state.",
    {
        "SUBMITTED": "Awaits a coordinator's decision.",
        "ACCEPTED": "Accepted: takes part in cohort matching.",
        "DECLINED": "Declined by a coordinator.",
    },
)
describe_enum(
    ProgrammeErrorCode,
    "Why a mentorship programme mutation was refused.",
    {
        "NOT_FOUND": "No such programme, application, chapter or institution (or you cannot "
        "see it).",
        "NOT_COORDINATOR": "Only the programme's coordinators may do this: chapter coordinators "
        "(`members:manage` in its chapter), its institution's staff, council admins.",
        "PROGRAMMES_DISABLED": "The chapter's config does not switch mentorship programmes on "
        "(or it is archived).",
        "ONE_RUNNER": "Name exactly one of a chapter and an institution.",
        "INVALID_NAME": "The name is shorter than 3 or longer than 200 characters.",
        "INVALID_DESCRIPTION": "The description is longer than 20,000 characters.",
        "INVALID_DATES": "The programme ends before (or when) it starts.",
        "INVALID_WINDOW": "An application window closes before it opens, or a time lacks its "
        "UTC offset.",
        "INVALID_CAPACITY": "Capacity is outside 1-1,000 mentees.",
        "INVALID_HOURS": "Hours per month are outside 1-40.",
        "INVALID_QUESTIONS": "More than 10 questions, or one empty or over 500 characters.",
        "INVALID_ANSWERS": "Not one answer (1-5,000 characters) per question.",
        "INVALID_SLOTS": "A mentor gives 1-3 slots; a mentee none.",
        "WINDOW_CLOSED": "The application window for that role is not open now.",
        "ALREADY_APPLIED": "You already applied to this programme.",
        "OVER_CAPACITY": "The programme already has as many mentees as its capacity.",
        "ALREADY_DECIDED": "The application was already accepted or declined.",
        "NOTHING_TO_MATCH": "No accepted mentor or no accepted mentee to match.",
        "NOT_PROPOSED": "No cohort is proposed (or it has no pairs) yet.",
        "ALREADY_PUBLISHED": "The cohort is published and can no longer change.",
        "INVALID_PAIR": "Not a pair of this cohort, or not an accepted mentor and mentee of "
        "this programme.",
        "OVER_SLOTS": "A mentor would have more mentees than slots.",
        "MENTEE_TAKEN": "A mentee would be in two pairs.",
        "NOT_GROUP": "The programme is not group mentoring.",
        "NOT_MENTOR": "Only a mentor of the published cohort may do this.",
        "INVALID_SESSION": "A session lasts 1-1440 minutes, is not in the future, is attended "
        "by your mentees, and its notes are at most 20,000 characters.",
    },
)
