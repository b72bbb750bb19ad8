"""GraphQL enums of the contribution engine, each value described."""

from db.enums import (
    ApplicationStatus,
    EngagementStatus,
    InvitationStatus,
    MilestoneStatus,
    OpportunityStatus,
    OpportunityVisibility,
)
from graph.services.application import ApplicationErrorCode
from graph.services.engagement import EngagementErrorCode
from graph.services.opportunity import OpportunityErrorCode
from graph.types.enums import describe_enum

describe_enum(
    OpportunityStatus,
    "Lifecycle of an opportunity.",
    {
        "DRAFT": "Being written; seen by the seeker side only.",
        "OPEN": "Taking applications.",
        "FILLED": "Enough contributors were accepted.",
        "CLOSED": "Withdrawn by the seeker.",
        "EXPIRED": "Was open but its deadline passed; refuses applications (never stored).",
    },
)
describe_enum(
    OpportunityVisibility,
    "Who may see an opportunity (the seeker side always may).",
    {
        "PUBLIC": "Everyone.",
        "CHAPTER": "Active members of the chapters it names.",
        "INVITED": "The engineers invited to it.",
    },
)
describe_enum(
    ApplicationStatus,
    "Lifecycle of an application or proposal.",
    {
        "SUBMITTED": "Sent; awaiting the seeker.",
        "SHORTLISTED": "The seeker is considering it.",
        "ACCEPTED": "Accepted: an engagement was created.",
        "DECLINED": "Declined by the seeker, with a reason.",
        "WITHDRAWN": "Withdrawn by the applicant (who may reopen it).",
    },
)
describe_enum(
    EngagementStatus,
    "Lifecycle of an engagement.",
    {
        "PROPOSED": "Accepted by the seeker; awaiting the contributor's start.",
        "ACTIVE": "Under way: sessions and milestones are logged.",
        "PAUSED": "A problem report is open; council admins resolve it.",
        "COMPLETED": "Finished; both sides may give feedback.",
        "CANCELLED": "Ended early by a party or an admin, with a reason.",
        "DECLINED": "The contributor declined the proposal.",
    },
)
describe_enum(
    InvitationStatus,
    "Lifecycle of a seeker's invitation to a contributor.",
    {
        "PENDING": "Sent; awaiting the invitee's answer.",
        "ACCEPTED": "Accepted: a SHORTLISTED application was filed.",
        "DECLINED": "Declined by the invitee.",
        "WITHDRAWN": "Withdrawn by the seeker side.",
    },
)
describe_enum(
    MilestoneStatus,
    "Lifecycle of an engagement milestone.",
    {
        "PLANNED": "Agreed; not yet delivered.",
        "DONE": "Delivered, says the contributor; awaiting the seeker side's countersignature.",
        "COUNTERSIGNED": "Countersigned by the seeker side: entered in the ledger.",
    },
)
describe_enum(
    OpportunityErrorCode,
    "Why an opportunity mutation was refused.",
    {
        member.name: member.name.replace("_", " ").capitalize() + "."
        for member in OpportunityErrorCode
    },
)
describe_enum(
    ApplicationErrorCode,
    "Why an application or invitation mutation was refused.",
    {
        member.name: member.name.replace("_", " ").capitalize() + "."
        for member in ApplicationErrorCode
    },
)
describe_enum(
    EngagementErrorCode,
    "Why an engagement mutation was refused (one CANNOT_<VERB> per invalid transition).",
    {
        member.name: member.name.replace("_", " ").capitalize() + "."
        for member in EngagementErrorCode
    },
)
