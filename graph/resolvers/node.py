"""`node(id:)` and `nodes(ids:)`: fetch any object by its global ID, through the loaders."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from graph.context import Context, Info
from graph.errors import BadUserInput
from graph.ids import decode_id
from graph.resolvers import consultancy as consultancy_fields
from graph.resolvers import contribution_nodes, record_nodes, supervision_nodes
from graph.resolvers import data_rights as data_rights_fields
from graph.resolvers import event as event_fields
from graph.resolvers import forum as forum_fields
from graph.resolvers import hall_of_fame as hall_of_fame_fields
from graph.resolvers import investment as investment_fields
from graph.resolvers import panel as panel_fields
from graph.resolvers import programme as programme_fields
from graph.types.chapter import Chapter, Membership
from graph.types.consent import ConsentGrant
from graph.types.engineer import Engineer
from graph.types.institution import Institution
from graph.types.node import Node
from graph.types.notification import Notification
from graph.types.taxonomy import Sector, Skill

MAX_NODES = 100

Fetch = Callable[[Context, int], Awaitable[Node | None]]


def _by_loader(loader_name: str, convert: Callable[[Any], Node]) -> Fetch:
    async def fetch(context: Context, key: int) -> Node | None:
        row = await getattr(context.loaders, loader_name).load(key)
        return convert(row) if row is not None else None

    return fetch


async def _membership(context: Context, key: int) -> Node | None:
    """A membership, if the viewer may see it (the loader's SQL rule)."""
    row = await context.loaders.membership_by_id.load(key)
    if row is None:
        return None
    return Membership.from_model(row)


async def _consent_grant(context: Context, key: int) -> Node | None:
    """A consent grant, for the engineer who gave it (with consent:manage) only: the node rule
    of graph/reads/consent.py, in SQL."""
    row = await context.loaders.readable("ConsentGrant").load(key)
    return ConsentGrant.from_model(row) if row is not None else None


NODE_TYPES: dict[str, Fetch] = {
    "Engineer": _by_loader("engineer_by_id", Engineer.from_model),
    "Institution": _by_loader("institution_by_id", Institution.from_model),
    "Chapter": _by_loader("chapter_by_id", Chapter.from_model),
    "Membership": _membership,
    "ConsentGrant": _consent_grant,
    "Sector": _by_loader("sector_by_id", Sector.from_model),
    "Skill": _by_loader("skill_by_id", Skill.from_model),
    "ForumCategory": forum_fields.category_node,
    "ForumThread": forum_fields.thread_node,
    "ForumPost": forum_fields.post_node,
    "ForumReport": forum_fields.report_node,
    "AccessLogEntry": record_nodes.access_log_entry_node,
    "AuditLogEntry": record_nodes.audit_log_entry_node,
    "Affiliation": record_nodes.affiliation_node,
    "Event": event_fields.event_node,
    "EventRegistration": event_fields.registration_node,
    "ChapterAnnouncement": event_fields.announcement_node,
    "Opportunity": contribution_nodes.opportunity_node,
    "Application": contribution_nodes.application_node,
    "Engagement": contribution_nodes.engagement_node,
    "Notification": _by_loader("notification_by_id", Notification.from_model),
    "LedgerEntry": contribution_nodes.ledger_entry_node,
    "MentorshipProgramme": programme_fields.programme_node,
    "MentorshipApplication": programme_fields.application_node,
    "MentorshipPair": programme_fields.pair_node,
    "InvestmentAsk": investment_fields.ask_node,
    "InvestmentCommitment": investment_fields.commitment_node,
    "AdvisoryPanel": panel_fields.panel_node,
    "PanelMembership": panel_fields.membership_node,
    "PanelCandidacy": panel_fields.candidacy_node,
    "PanelMeeting": panel_fields.meeting_node,
    "ProjectTeam": supervision_nodes.team_node,
    "ProposalRevision": supervision_nodes.revision_node,
    "ProjectMilestone": supervision_nodes.milestone_node,
    "AssessmentRubric": supervision_nodes.rubric_node,
    "ConsultancyProposal": consultancy_fields.proposal_node,
    "ServiceListing": consultancy_fields.listing_node,
    "DataExport": data_rights_fields.data_export_node,
    "HallOfFameNomination": hall_of_fame_fields.nomination_node,
    "HallOfFameRound": hall_of_fame_fields.round_node,
}


async def resolve_node(context: Context, global_id: str) -> Node | None:
    """The object behind a global ID; None when it does not exist or is not visible."""
    decoded = decode_id(global_id)
    fetch = NODE_TYPES.get(decoded.type_name)
    if fetch is None:
        raise BadUserInput(f"Malformed ID {global_id!r}: not a global object ID.")
    return await fetch(context, decoded.key)


async def node(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="A global object ID.")],
) -> Node | None:
    """Any object by global ID; null when it does not exist."""
    return await resolve_node(info.context, id)


async def nodes(
    info: Info,
    ids: Annotated[
        list[strawberry.ID],
        strawberry.argument(description=f"Global object IDs, at most {MAX_NODES}."),
    ],
) -> list[Node | None]:
    """Objects by global IDs, in the same order; null for each that does not exist."""
    if len(ids) > MAX_NODES:
        raise BadUserInput(f"`ids` takes at most {MAX_NODES} IDs, got {len(ids)}.", argument="ids")

    async def one(global_id: str) -> Node | BaseException | None:
        try:
            return await resolve_node(info.context, global_id)
        except BadUserInput as error:
            return error

    # An exception in the list becomes an error located at that index, with the item null.
    return await asyncio.gather(*(one(global_id) for global_id in ids))  # type: ignore[return-value]
