"""DataLoaders for advisory panels (strawberry's path): rows, SQL-computed term statuses,
meeting attendees and the visibility of candidacies and meeting notes, under the rules of
graph/reads/panel.py."""

from functools import cached_property

from db.models import AdvisoryPanel, PanelCandidacy, PanelMeeting, PanelMembership
from db.queries import panel as queries
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import GroupedLoader, RowByIdLoader
from graph.loaders.investment import ColumnsByIdLoader


class PanelLoaders:
    """The panels domain's loaders of one request, each built on first use."""

    def __init__(self, database: RequestDatabase, viewer: Viewer) -> None:
        self.database = database
        self.viewer = viewer

    @cached_property
    def panel_by_id(self) -> RowByIdLoader[AdvisoryPanel]:
        """Panel rows by id (panels are public)."""
        return RowByIdLoader(self.database, queries.list_panels_by_ids)

    @cached_property
    def membership_by_id(self) -> RowByIdLoader[PanelMembership]:
        """Membership rows by id (public)."""
        return RowByIdLoader(self.database, queries.list_memberships_by_ids)

    @cached_property
    def membership_status_by_id(self) -> ColumnsByIdLoader:
        """Each membership's term status, read from today's date in SQL."""
        return ColumnsByIdLoader(self.database, PanelMembership, [queries.membership_status()])

    @cached_property
    def candidacy_by_id(self) -> RowByIdLoader[PanelCandidacy]:
        """Candidacy rows by id (unchecked: `candidacy_visible_by_id` applies the rule)."""
        return RowByIdLoader(self.database, queries.list_candidacies_by_ids)

    @cached_property
    def candidacy_visible_by_id(self) -> ColumnsByIdLoader:
        """Whether the viewer may see each candidacy."""
        from graph.reads.panel import candidacies_visible  # graph.reads imports the loaders

        return ColumnsByIdLoader(self.database, PanelCandidacy, [candidacies_visible(self.viewer)])

    @cached_property
    def meeting_by_id(self) -> RowByIdLoader[PanelMeeting]:
        """Meeting rows by id (public; notes masked by `notes_visible_by_id`)."""
        return RowByIdLoader(self.database, queries.list_meetings_by_ids)

    @cached_property
    def notes_visible_by_id(self) -> ColumnsByIdLoader:
        """Whether the viewer may read each meeting's notes."""
        from graph.reads.panel import meeting_notes_visible  # graph.reads imports the loaders

        return ColumnsByIdLoader(self.database, PanelMeeting, [meeting_notes_visible(self.viewer)])

    @cached_property
    def attendees_by_meeting_id(self) -> GroupedLoader[int]:
        """The engineer ids of each meeting's attending members, by id."""
        return GroupedLoader(
            self.database,
            queries.list_attendees_by_meeting,
            parent_of=lambda row: row[0],
            value_of=lambda row: row[1],
        )
