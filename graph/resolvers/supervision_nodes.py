"""`node(id:)` for project teams, proposal revisions, milestones and rubrics: each row fetched
under the same SQL rule the compiled path inlines (graph.services.supervision_access)."""

from graph.context import Context
from graph.types.node import Node
from graph.types.supervision import (
    AssessmentRubric,
    ProjectMilestone,
    ProjectTeam,
    ProposalRevision,
)


async def team_node(context: Context, key: int) -> Node | None:
    """A team, for its students, supervisors and the topic institution's staff only."""
    loaders = context.loaders.supervision
    if await loaders.visible_team_by_id.load(key) is None:
        return None
    row = await loaders.team_by_id.load(key)
    return ProjectTeam.from_row(row) if row is not None else None


async def revision_node(context: Context, key: int) -> Node | None:
    """A proposal revision, visible like its team."""
    row = await context.loaders.supervision.revision_by_id.load(key)
    return ProposalRevision.from_model(row) if row is not None else None


async def milestone_node(context: Context, key: int) -> Node | None:
    """A milestone, visible like its team."""
    row = await context.loaders.supervision.milestone_by_id.load(key)
    return ProjectMilestone.from_row(row) if row is not None else None


async def rubric_node(context: Context, key: int) -> Node | None:
    """A rubric (public)."""
    row = await context.loaders.supervision.rubric_by_id.load(key)
    return AssessmentRubric.from_model(row) if row is not None else None
