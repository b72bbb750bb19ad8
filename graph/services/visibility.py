"""Who may see what: visibility rules expressed as SQL predicates and column masks.

Profile fields: each maskable field has a level in `engineers.field_visibility` (JSONB; a
missing key means the field's default). A field is shown when the viewer's relationship to
the engineer reaches that level, or when the viewer's institution holds a live consent grant
naming the field. Every rule here is a SQLAlchemy expression over the engineers row, so a
query compiler can inline it; the loaders evaluate it in one statement per batch.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, exists, false, func, literal, null, or_, select, true

from db.enums import FieldVisibility, MembershipStatus, ProfileField
from db.models import (
    Chapter,
    ChapterAnnouncement,
    ConsentGrant,
    Engineer,
    Membership,
)
from db.queries.chapter import MembershipScope
from db.queries.event import EventScope
from db.queries.forum import ForumScope
from db.queries.viewer_ids import ViewerIds, any_of
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry

PUBLIC_MEMBERSHIP_STATUSES: tuple[str, ...] = (MembershipStatus.ACTIVE.value,)

FIELD_DEFAULTS: Mapping[ProfileField, FieldVisibility] = MappingProxyType(
    {
        field: (
            FieldVisibility.PRIVATE
            if field in (ProfileField.EMAIL, ProfileField.PHONE)
            else FieldVisibility.MEMBERS
            if field is ProfileField.PEC_REGISTRATION_NUMBER
            else FieldVisibility.PUBLIC
        )
        for field in ProfileField
    }
)


def level_expression(field: ProfileField) -> ColumnElement[str]:
    """SQL: the engineer's visibility level for `field`, defaults applied."""
    return func.coalesce(
        Engineer.field_visibility[field.value].astext, literal(FIELD_DEFAULTS[field].value)
    )


def _in_chapters(chapter_ids: tuple[int, ...], *, active_only: bool) -> ColumnElement[bool]:
    """SQL: the engineer has a membership (active, if asked) of one of these chapters."""
    condition = exists().where(
        Membership.engineer_id == Engineer.id, any_of(Membership.chapter_id, chapter_ids)
    )
    if active_only:
        condition = condition.where(Membership.status == MembershipStatus.ACTIVE)
    return condition


def field_visible(
    viewer: Viewer, registry: ChapterRegistry, field: ProfileField
) -> ColumnElement[bool]:
    """SQL predicate: the viewer may see `field` of the engineers row through their relationship.

    - PUBLIC: everyone, anonymous included.
    - MEMBERS: signed-in engineers whose token has profiles:read.
    - CHAPTER: fellow active members of a chapter whose config lists the field in
      `member_visible_fields`; coordinators (members:read) of a chapter the engineer belongs to
      or asked to join; council admins.
    - PRIVATE: the engineer alone.
    Consent is separate: see `consent_grant_for`.
    """
    level = level_expression(field)
    conditions: list[ColumnElement[bool]] = [level == FieldVisibility.PUBLIC.value]
    if viewer.engineer_id is not None and viewer.has_scope(Scope.PROFILES_READ):
        conditions.append(Engineer.id == viewer.engineer_id)
        conditions.append(level == FieldVisibility.MEMBERS.value)
        if viewer.is_council_admin:
            conditions.append(level == FieldVisibility.CHAPTER.value)
        if viewer.chapter_roles:  # which chapters share the field is a value, not a shape
            sharing = sharing_chapters(viewer, registry, field)
            conditions.append(
                and_(
                    level == FieldVisibility.CHAPTER.value, _in_chapters(sharing, active_only=True)
                )
            )
        managing = viewer.chapters_with_scope(Scope.MEMBERS_READ)
        if managing:
            conditions.append(
                and_(
                    level == FieldVisibility.CHAPTER.value,
                    _in_chapters(managing, active_only=False),
                )
            )
    return or_(*conditions)


def sharing_chapters(
    viewer: Viewer, registry: ChapterRegistry, field: ProfileField
) -> ViewerIds:
    """The viewer's chapters whose config shows `field` to fellow members (`sharing:<field>`)."""
    return ViewerIds(
        f"sharing:{field.value}",
        (
            role.chapter_id
            for role in viewer.chapter_roles.values()
            if role.slug in registry and field.value in registry[role.slug].member_visible_fields
        ),
    )


def consent_grant_for(viewer: Viewer, field: ProfileField) -> ColumnElement[Any]:
    """SQL: id of a live consent grant letting the viewer's institution read `field`, or NULL."""
    if viewer.institution_id is None or not viewer.has_scope(Scope.PROFILES_READ):
        return null()  # the keyword, not an untyped parameter PostgreSQL cannot type
    return (
        select(func.min(ConsentGrant.id))
        .where(
            ConsentGrant.engineer_id == Engineer.id,
            ConsentGrant.institution_id == viewer.institution_id,
            ConsentGrant.revoked_at.is_(None),
            ConsentGrant.expires_at > func.now(),
            ConsentGrant.fields.any_() == field.value,
        )
        .scalar_subquery()
    )


def shows_field(
    viewer: Viewer, registry: ChapterRegistry, field: ProfileField
) -> ColumnElement[bool]:
    """SQL predicate: the field is visible by relationship or by consent (for filters)."""
    consent = consent_grant_for(viewer, field)
    if viewer.institution_id is None:
        return field_visible(viewer, registry, field)
    return or_(field_visible(viewer, registry, field), consent.is_not(None))


def membership_scope(viewer: Viewer) -> MembershipScope:
    """Which memberships the viewer may list: active ones, plus every status in the chapters
    where they hold members:read, plus their own; council admins see all."""
    if viewer.is_council_admin and viewer.has_scope(Scope.MEMBERS_READ):
        return MembershipScope(PUBLIC_MEMBERSHIP_STATUSES, unrestricted=True)
    return MembershipScope(
        PUBLIC_MEMBERSHIP_STATUSES,
        chapter_ids=viewer.chapters_with_scope(Scope.MEMBERS_READ),
        engineer_id=viewer.engineer_id,
    )


def membership_node_rule(viewer: Viewer) -> ColumnElement[bool]:
    """SQL predicate: the memberships the viewer may reach by id (`node`, `nodes`, a
    coordinator's action): those they may list, and every one where members:read holds
    everywhere (a client issued it, a council admin)."""
    if viewer.has_scope(Scope.MEMBERS_READ):
        return true()
    return membership_scope(viewer).predicate()


def forum_scope(viewer: Viewer) -> ForumScope:
    """What of the forum the viewer may read.

    Members-only chapter categories: active members of that chapter whose token carries
    `chapters:read` (the role grants it there), and council admins. Hidden threads: holders of
    `forum:moderate` in the category's chapter, and council admins (who alone moderate global
    and sector categories).
    """
    every_chapter = viewer.is_council_admin and viewer.has_scope(Scope.CHAPTERS_READ)
    return ForumScope(
        member_chapter_ids=() if every_chapter else viewer.chapters_with_scope(Scope.CHAPTERS_READ),
        moderated_chapter_ids=viewer.chapters_with_scope(Scope.FORUM_MODERATE),
        all_chapters=every_chapter,
        moderates_all=viewer.has_scope(Scope.FORUM_MODERATE),
    )


class ForumCategoryFacts(Protocol):
    """What the forum's rules read of a category: a loaded row, or just these columns."""

    @property
    def chapter_id(self) -> int | None:
        """The chapter of a chapter category; None for global and sector ones."""

    @property
    def members_only(self) -> bool:
        """Whether only the chapter's members may read it."""


def event_scope(viewer: Viewer) -> EventScope:
    """What of the chapters' events the viewer may see and run.

    Members-only events: active members of the hosting (or accepted co-hosting) chapter whose
    token carries `chapters:read`, and council admins. Organising (every attendee, the online
    link, check-in): holders of `events:manage` in the hosting or co-hosting chapter, council
    admins everywhere. The online link also shows to people holding a place.
    """
    return EventScope(
        member_chapter_ids=viewer.chapters_with_scope(Scope.CHAPTERS_READ),
        organised_chapter_ids=viewer.chapters_with_scope(Scope.EVENTS_MANAGE),
        all_chapters=viewer.is_council_admin and viewer.has_scope(Scope.CHAPTERS_READ),
        organises_all=viewer.has_scope(Scope.EVENTS_MANAGE),
        engineer_id=viewer.engineer_id,
    )


def announcement_predicate(viewer: Viewer) -> ColumnElement[bool]:
    """SQL predicate on chapter_announcements: the chapter's active members (`chapters:read`
    through their role) and council admins read its announcements."""
    if viewer.is_council_admin and viewer.has_scope(Scope.CHAPTERS_READ):
        return true()
    members = viewer.chapters_with_scope(Scope.CHAPTERS_READ)
    if not members:
        return false()
    return any_of(ChapterAnnouncement.chapter_id, members)


__all__ = [
    "FIELD_DEFAULTS",
    "announcement_predicate",
    "consent_grant_for",
    "event_scope",
    "field_visible",
    "forum_scope",
    "membership_node_rule",
    "membership_scope",
    "shows_field",
]


def holds_chapter_scope(viewer: Viewer, scope: Scope) -> ColumnElement[bool]:
    """Viewer.has_chapter_scope over chapters rows, in SQL: everywhere for a global grant, else
    the chapters whose role grants `scope` (chapters_with_scope)."""
    if viewer.has_scope(scope):
        return true()
    chapter_ids = viewer.chapters_with_scope(scope)
    return any_of(Chapter.id, chapter_ids) if chapter_ids else false()
