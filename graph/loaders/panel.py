"""DataLoaders for advisory panels (strawberry's path): rows, SQL-computed term statuses,
meeting attendees and the visibility of candidacies and meeting notes, under the rules of
graph/reads/panel.py."""

from functools import cached_property

from db.models import AdvisoryPanel
from db.queries import panel as queries
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader


class PanelLoaders:
    """The panels domain's loaders of one request, each built on first use."""

    def __init__(self, database: RequestDatabase, viewer: Viewer) -> None:
        self.database = database
        self.viewer = viewer

    @cached_property
    def panel_by_id(self) -> RowByIdLoader[AdvisoryPanel]:
        """Panel rows by id (panels are public)."""
        return RowByIdLoader(self.database, queries.list_panels_by_ids)
