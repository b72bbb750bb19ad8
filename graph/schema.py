"""Assembles Query (and later Mutation/Subscription) and the schema's extensions."""

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from graph.extensions.admission import AdmissionControl
from graph.extensions.errors import MaskUnexpectedErrors, log_unexpected
from graph.extensions.limits import LimitedParser
from graph.extensions.page_limits import ValidationWithPageLimits
from graph.resolvers import chapter as chapter_fields
from graph.resolvers import engineer as engineer_fields
from graph.resolvers import institution as institution_fields
from graph.resolvers import node as node_fields
from graph.resolvers import taxonomy as taxonomy_fields
from graph.resolvers import viewer as viewer_fields
from graph.types.chapter import Chapter, Membership
from graph.types.connection import Connection
from graph.types.engineer import Engineer
from graph.types.institution import Institution
from graph.types.node import Node
from graph.types.taxonomy import Sector
from graph.types.viewer import Viewer


@strawberry.type(description="The root of every read.")
class Query:
    """Root query fields."""

    node: Node | None = strawberry.field(
        resolver=node_fields.node,
        description="Fetch any object by its global ID; null when it does not exist.",
    )
    nodes: list[Node | None] = strawberry.field(
        resolver=node_fields.nodes,
        description="Fetch objects by global IDs (at most 100), in order; null for each missing.",
    )
    viewer: Viewer = strawberry.field(
        resolver=viewer_fields.viewer, description="Who is asking: the signed-in engineer, if any."
    )
    engineer: Engineer | None = strawberry.field(
        resolver=engineer_fields.engineer,
        description="One engineer by handle; null when there is none.",
    )
    engineers: Connection[Engineer] = strawberry.field(
        resolver=engineer_fields.engineers,
        description="Engineers matching a filter, paged by keyset cursors.",
    )
    institution: Institution | None = strawberry.field(
        resolver=institution_fields.institution,
        description="One institution by slug; null when there is none.",
    )
    institutions: Connection[Institution] = strawberry.field(
        resolver=institution_fields.institutions,
        description="Institutions by name, optionally filtered.",
    )
    chapter: Chapter | None = strawberry.field(
        resolver=chapter_fields.chapter,
        description="One chapter by slug (archived ones too); null when there is none.",
    )
    chapters: Connection[Chapter] = strawberry.field(
        resolver=chapter_fields.chapters, description="Chapters by name; archived ones on request."
    )
    sectors: list[Sector] = strawberry.field(
        resolver=taxonomy_fields.sectors,
        description="Every sector of the shared vocabulary, by name.",
    )


class BrainGainSchema(strawberry.Schema):
    """Our schema: logs only unexpected errors, with the request id."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log unexpected errors with their stack; expected ones are the client's business."""
        context: Any = execution_context.context if execution_context else None
        log_unexpected(errors, getattr(context, "request_id", "unknown"))


def build_schema() -> strawberry.Schema:
    """The schema with its extensions."""
    return BrainGainSchema(
        query=Query,
        types=[Membership],
        extensions=[
            LimitedParser,
            ValidationWithPageLimits,
            AdmissionControl,
            MaskUnexpectedErrors,
        ],
    )


schema = build_schema()

__all__ = ["Connection", "schema"]
