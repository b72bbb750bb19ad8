"""SELECTs for consent grants, the access log and the audit log."""


from sqlalchemy import Select, select

from db.models import AccessLogEntry, ConsentGrant
from db.queries.pagination import Ordering

NEWEST_FIRST = Ordering("CREATED_AT_DESC", ("created_at", "id"), descending=True)
ACCESSED_NEWEST_FIRST = Ordering("ACCESSED_AT_DESC", ("accessed_at", "id"), descending=True)


def consent_grants_of(engineer_id: int) -> Select[ConsentGrant]:
    """SELECT the engineer's consent grants (live, expired and revoked)."""
    return select(ConsentGrant).where(ConsentGrant.engineer_id == engineer_id)


def access_log_of(engineer_id: int) -> Select[AccessLogEntry]:
    """SELECT institution reads of the engineer's consent-gated fields."""
    return select(AccessLogEntry).where(AccessLogEntry.engineer_id == engineer_id)


