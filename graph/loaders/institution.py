"""DataLoaders for institutions and their staff."""


from db.models import Institution
from db.queries import institution as queries
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader


class InstitutionByIdLoader(RowByIdLoader[Institution]):
    """Institution rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_by_ids)
