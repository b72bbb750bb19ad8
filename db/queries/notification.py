"""SELECTs for notifications: the keyset ordering and a recipient's rows."""


from sqlalchemy import ColumnElement, Select, select

from db.models import Notification
from db.queries.pagination import Ordering

NEWEST_FIRST = Ordering("CREATED_AT_DESC", ("created_at", "id"), descending=True)


def notifications_where(visible: ColumnElement[bool], unread: bool | None) -> Select[Notification]:
    """SELECT the notifications `visible` admits, only unread (True) or read (False) ones."""
    statement = select(Notification).where(visible)
    if unread is True:
        statement = statement.where(Notification.read_at.is_(None))
    elif unread is False:
        statement = statement.where(Notification.read_at.is_not(None))
    return statement


