"""Data-rights reads: the signed-in engineer's own data exports, and nobody else's."""

from sqlalchemy import ColumnElement

from db import models
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import Column, Declaration, Rule, TypeMapping, columns, global_id
from graph.services import data_export as service


def own_exports(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The viewer's own exports (none for anonymous requests and clients)."""
    return service.own_exports(viewer)


DECLARATION = Declaration(
    types=(
        TypeMapping(
            "DataExport",
            "data_exports",
            {
                "id": global_id("DataExport"),
                **columns(status="status", byteSize="byte_size"),
                "requestedAt": Column(sqltext.timestamp("{t}.requested_at")),
                "readyAt": Column(sqltext.timestamp("{t}.ready_at")),
                "expiresAt": Column(sqltext.timestamp("{t}.expires_at")),
            },
            models.DataExport,
        ),
    ),
    nodes={"DataExport": "data_export"},
    rules={"data_export": Rule(models.DataExport, own_exports)},
)
"""`node(id:)` shows an export to the engineer who requested it only."""
