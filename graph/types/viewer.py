"""The Viewer type: who the API thinks is asking, and what belongs to them alone."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from graph.auth.permissions import require_engineer, requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.services import notification as notification_service
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.consent import AccessLogEntry, ConsentGrant
from graph.types.engineer import Engineer
from graph.types.event import Event, EventFilter
from graph.types.event_enums import EventOrder
from graph.types.institution import Institution
from graph.types.notification import Notification, NotificationFilter, NotificationPreference
from graph.types.sql_only import unserved

if TYPE_CHECKING:
    from graph.types.opportunity import OpportunityMatchConnection
    from graph.types.supervision import ProjectTeam

OpportunityMatchConnectionRef = Annotated[
    "OpportunityMatchConnection", strawberry.lazy("graph.types.opportunity")
]
ProjectTeamRef = Annotated["ProjectTeam", strawberry.lazy("graph.types.supervision")]


@strawberry.type(description="The principal the request acts for; anonymous without a token.")
class Viewer:
    """The current viewer."""

    is_authenticated: bool = strawberry.field(
        description="True when the request carried valid credentials."
    )
    engineer_pk: strawberry.Private[int | None]
    institution_pk: strawberry.Private[int | None]
    scopes: list[str] = strawberry.field(
        description="Scopes the access token carries (roles decide where they apply)."
    )
    client_id: str | None = strawberry.field(
        description="The OAuth client making the request, if any."
    )

    @strawberry.field(
        description="The signed-in engineer; null for anonymous requests and clients."
    )
    def engineer(self, info: Info) -> Engineer | None:
        """Loaded by id."""
        raise unserved()

    @strawberry.field(
        description="The institution the request acts for: an institution's client, or the "
        "institution a staff account belongs to; null otherwise."
    )
    def institution(self, info: Info) -> Institution | None:
        """Loaded by id."""
        raise unserved()

    @strawberry.field(
        description="Events the signed-in engineer holds a place or waitlist spot for (that "
        "they may still see), soonest first; empty for anonymous requests and clients."
    )
    def events(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            EventFilter | None,
            strawberry.argument(description="A time range and kinds to narrow the list."),
        ] = None,
        order_by: Annotated[
            EventOrder, strawberry.argument(description="Soonest (default) or latest first.")
        ] = EventOrder.START_ASC,
    ) -> Connection[Event]:
        """A keyset page of the viewer's registered events."""
        raise unserved()

    @strawberry.field(
        description="Consent grants the signed-in engineer gave, newest first."
        + requires(Scope.CONSENT_MANAGE)
    )
    def consent_grants(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ConsentGrant]:
        """A keyset page of the viewer's own grants."""
        raise unserved()

    @strawberry.field(
        description="Institution reads of the signed-in engineer's consent-gated fields, newest "
        "first." + requires(Scope.CONSENT_MANAGE)
    )
    def access_log(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AccessLogEntry]:
        """A keyset page of the viewer's access log."""
        raise unserved()

    @strawberry.field(
        description="Your notifications, newest first; `filter.unread` narrows them. Empty "
        "unless the request is a signed-in engineer's: nobody reads another's notifications."
    )
    def notifications(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            NotificationFilter | None,
            strawberry.argument(description="Only unread (or only read) notifications."),
        ] = None,
    ) -> Connection[Notification]:
        """A keyset page of the viewer's notifications (the rule of graph.reads.notification)."""
        raise unserved()

    @strawberry.field(
        description="How many of your notifications are unread (0 unless a signed-in engineer)."
    )
    def unread_notification_count(self, info: Info) -> int:
        """Counted with the same rule as `notifications`."""
        raise unserved()

    @strawberry.field(
        description="Your channel for every kind of notification (your choice, else the "
        "default), in the order of `NotificationKind`. Signed-in engineers only."
    )
    async def notification_preferences(self, info: Info) -> list[NotificationPreference]:
        """Every kind, with the engineer's choice or the default."""
        engineer_id = require_engineer(info.context.viewer)
        async with info.context.database.session() as session:
            chosen = await notification_service.preferences_of(session, engineer_id)
        return [
            NotificationPreference(kind=kind, channel=channel, is_default=default)
            for kind, (channel, default) in chosen.items()
        ]

    @strawberry.field(
        description="Open opportunities recommended to the signed-in engineer: those they may "
        "see, whose kind they offer and that fit their capacity, not yet applied to; ranked by "
        "the matching score in one SQL statement, keyset-paged over (score, id). "
        "UNAUTHENTICATED without an engineer."
    )
    async def recommended_opportunities(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="How many (1–100, default 20).")
        ] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
    ) -> OpportunityMatchConnectionRef:
        """Viewer.recommendedOpportunities."""
        from graph.types.opportunity import recommended

        return await recommended(info, first, after)

    @strawberry.field(
        description="Final-year project teams the signed-in engineer is in (invited included) "
        "or supervises, oldest first; empty for anonymous requests and clients."
    )
    def project_teams(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ProjectTeamRef]:
        """A keyset page of the viewer's teams."""
        raise unserved()
