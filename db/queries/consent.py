"""SELECTs for consent grants, the access log and the audit log."""



from db.queries.pagination import Ordering

NEWEST_FIRST = Ordering("CREATED_AT_DESC", ("created_at", "id"), descending=True)
ACCESSED_NEWEST_FIRST = Ordering("ACCESSED_AT_DESC", ("accessed_at", "id"), descending=True)


