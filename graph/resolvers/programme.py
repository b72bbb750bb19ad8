"""Query fields for mentorship programmes and their `node(id:)` fetchers (each under the same
SQL rule the compiled path inlines: graph.services.programme_access)."""


from graph.context import Info
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.programme import MentorshipProgramme
from graph.types.sql_only import unserved


def mentorship_programmes(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Connection[MentorshipProgramme]:
    """Every mentorship programme, newest first (programmes are public)."""
    raise unserved()

