"""Read declarations, one module per domain: what the compiled read path serves and how.

Each module states its types once (graph.compiler.declaration): table, fields, relations,
connections with orderings and filters, root fields, node types and visibility rules as SQL
predicates. To add a type, declare it in its domain's module (or a new one listed here).
"""

from graph.compiler.declaration import Declaration
from graph.reads import (
    chapter,
    consent,
    consultancy,
    contribution,
    data_rights,
    engineer,
    event,
    forum,
    hall_of_fame,
    institution,
    investment,
    notification,
    panel,
    programme,
    sector,
    supervision,
    viewer,
)

DECLARATIONS: tuple[Declaration, ...] = (
    engineer.DECLARATION,
    institution.DECLARATION,
    chapter.DECLARATION,
    sector.DECLARATION,
    forum.DECLARATION,
    event.DECLARATION,
    notification.DECLARATION,
    contribution.DECLARATION,
    viewer.DECLARATION,
    consent.DECLARATION,
    programme.DECLARATION,
    investment.DECLARATION,
    panel.DECLARATION,
    supervision.DECLARATION,
    consultancy.DECLARATION,
    data_rights.DECLARATION,
    hall_of_fame.DECLARATION,
)
"""Every domain's declaration, in the order `node` tries their types."""
