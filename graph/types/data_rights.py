"""Data rights: the export of everything the portal holds about the signed-in engineer."""

from datetime import datetime

import strawberry

from db import models
from db.enums import DataExportStatus
from graph.ids import encode_id
from graph.services.data_export import DataRightsErrorCode
from graph.types.enums import describe_enum
from graph.types.node import Node

describe_enum(
    DataExportStatus,
    "Where a data export stands.",
    {
        "PENDING": "Queued: a large account's export waits for the export worker.",
        "RUNNING": "The export worker is building the document.",
        "READY": "The document can be downloaded until `expiresAt`.",
        "EXPIRED": "The download period ended and the document was deleted.",
        "FAILED": "Building the document failed; request a new export.",
    },
)
describe_enum(
    DataRightsErrorCode,
    "Why a data-rights mutation was refused.",
    {
        "NOT_FOUND": "No such export of yours (malformed ID, someone else's, or deleted).",
        "EXPORT_UNDER_WAY": "An export of yours is still pending or running; wait for it.",
        "CONFIRMATION_MISMATCH": "The confirmation is not your handle.",
        "SOLE_COORDINATOR": "You are a chapter's only coordinator: hand the role on first.",
        "ALREADY_ERASED": "The account was erased already.",
    },
)


@strawberry.type(
    description="A copy of everything the portal holds about you (profile, memberships, "
    "engagements and their sessions, ledger, forum posts, consents, access log, "
    "notifications, event registrations, applications, sign-in sessions) as one JSON "
    "document. Visible only to the engineer who asked: `node` and `nodes` return null for "
    "anyone else's."
)
class DataExport(Node):
    """A data export."""

    status: DataExportStatus = strawberry.field(description="Where the export stands.")
    requested_at: datetime = strawberry.field(description="When it was requested.")
    ready_at: datetime | None = strawberry.field(description="When the document was ready.")
    expires_at: datetime | None = strawberry.field(
        description="When the download link stops working (set once ready)."
    )
    byte_size: int | None = strawberry.field(description="Size of the JSON document in bytes.")

    @classmethod
    def from_model(cls, row: models.DataExport) -> "DataExport":
        """Build from a data_exports row (the caller checked it is the viewer's)."""
        return cls(
            id=strawberry.ID(encode_id("DataExport", row.id)),
            status=DataExportStatus(row.status),
            requested_at=row.requested_at,
            ready_at=row.ready_at,
            expires_at=row.expires_at,
            byte_size=row.byte_size,
        )
