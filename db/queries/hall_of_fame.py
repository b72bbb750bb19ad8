"""SELECTs for the Hall of Fame: orderings, filters and the rows of lists and nominations."""



from db.queries.pagination import Ordering

INDUCTEE_ORDERING = Ordering("YEAR", ("year", "id"), descending=True)
"""The Hall of Fame: the latest year first, then the latest nomination."""
NOMINATION_ORDERING = Ordering("CREATED_AT", ("created_at", "id"), descending=True)
"""Nominations: the newest first."""
EVIDENCE_ORDERING = Ordering("POSITION", ("position", "id"))
"""A citation's evidence, in the order the nominator gave it."""


