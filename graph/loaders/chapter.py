"""DataLoaders for chapters and memberships, including batched member pages."""


from db.models import Chapter
from db.queries import chapter as queries
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader


class ChapterByIdLoader(RowByIdLoader[Chapter]):
    """Chapter rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_by_ids)
