"""DataLoaders for engineers and the records they own."""

from db.models import Engineer
from db.queries import engineer as queries
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader


class EngineerByIdLoader(RowByIdLoader[Engineer]):
    """Engineer rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_by_ids)
