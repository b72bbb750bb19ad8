"""SELECTs for notifications: the keyset ordering and a recipient's rows."""



from db.queries.pagination import Ordering

NEWEST_FIRST = Ordering("CREATED_AT_DESC", ("created_at", "id"), descending=True)


