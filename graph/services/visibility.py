"""Who may see what: visibility rules expressed as data the queries turn into SQL predicates."""

from db.enums import MembershipStatus
from graph.auth.viewer import Viewer

PUBLIC_MEMBERSHIP_STATUSES: tuple[str, ...] = (MembershipStatus.ACTIVE.value,)


def visible_membership_statuses(viewer: Viewer) -> tuple[str, ...]:
    """Membership statuses the viewer may list; pending and suspended ones are chapter business."""
    del viewer  # chapter roles widen this once the authorization model lands
    return PUBLIC_MEMBERSHIP_STATUSES
