"""Query fields for the sector vocabulary."""

from graph.context import Info
from graph.types.sql_only import unserved
from graph.types.taxonomy import Sector


def sectors(info: Info) -> list[Sector]:
    """Every sector, by name (a small, closed vocabulary, so a plain list)."""
    raise unserved()
