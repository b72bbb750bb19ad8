"""DataLoaders for consent grants."""

from db.models import ConsentGrant
from db.queries import consent as queries
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader


class ConsentGrantByIdLoader(RowByIdLoader[ConsentGrant]):
    """Consent grant rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_grants_by_ids)
