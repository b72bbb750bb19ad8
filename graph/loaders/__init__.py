"""Per-request DataLoaders in one container, each built the first time a resolver asks for it."""

from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement

from db.enums import ProfileField
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.database import RequestDatabase
from graph.loaders.base import RuledByIdLoader
from graph.loaders.chapter import (
    ChapterByIdLoader,
    ChapterCountByEngineerIdLoader,
    ChapterPageByEngineerIdLoader,
    MembershipByIdLoader,
    MembershipCountByChapterIdLoader,
    MembershipCountByEngineerIdLoader,
    MembershipPageByChapterIdLoader,
    MembershipPageByEngineerIdLoader,
)
from graph.loaders.consent import (
    AuditLogCountByChapterIdLoader,
    AuditLogPageByChapterIdLoader,
    ConsentGrantByIdLoader,
)
from graph.loaders.contribution import ContributionLoaders
from graph.loaders.data_rights import DataExportByIdLoader
from graph.loaders.engineer import (
    AffiliationsByEngineerIdLoader,
    EducationByEngineerIdLoader,
    EngineerByIdLoader,
    PositionsByEngineerIdLoader,
    ProfileAccessByEngineerIdLoader,
    SectorsByEngineerIdLoader,
    SkillsByEngineerIdLoader,
)
from graph.loaders.event import EventLoaders
from graph.loaders.forum import (
    ForumCategoryByIdLoader,
    ForumCategoryCountByChapterIdLoader,
    ForumCategoryPageByChapterIdLoader,
    ForumPostByIdLoader,
    ForumPostPageByThreadIdLoader,
    ForumReportCountByCategoryIdLoader,
    ForumReportPageByCategoryIdLoader,
    ForumThreadByIdLoader,
    ForumThreadCountByCategoryIdLoader,
    ForumThreadPageByCategoryIdLoader,
    ForumVoteByPostIdLoader,
    ReadableForumCategoryByIdLoader,
    ReadableForumThreadByIdLoader,
)
from graph.loaders.hall_of_fame import HallOfFameLoaders
from graph.loaders.institution import (
    AffiliationByIdLoader,
    InstitutionByIdLoader,
    StaffCountByInstitutionIdLoader,
    StaffPageByInstitutionIdLoader,
)
from graph.loaders.investment import InvestmentLoaders
from graph.loaders.notification import NotificationByIdLoader
from graph.loaders.panel import PanelLoaders
from graph.loaders.programme import ProgrammeLoaders
from graph.loaders.supervision import SupervisionLoaders
from graph.loaders.taxonomy import SectorByIdLoader, SkillByIdLoader, SkillsBySectorIdLoader
from graph.services.visibility import forum_scope, membership_node_rule, shows_field

if TYPE_CHECKING:
    from graph.loaders.consultancy import ConsultancyLoaders


class Loaders:
    """Every DataLoader of one request; never shared between requests. A request builds only
    the loaders its resolvers use (most use two or three of these)."""

    def __init__(
        self, database: RequestDatabase, viewer: Viewer, registry: ChapterRegistry
    ) -> None:
        self.database = database
        self.viewer = viewer
        self.registry = registry
        self._ruled: dict[str, RuledByIdLoader[Any]] = {}

    @classmethod
    def create(
        cls, database: RequestDatabase, viewer: Viewer, registry: ChapterRegistry
    ) -> "Loaders":
        """Fresh loaders bound to one request's database."""
        return cls(database, viewer, registry)

    def _staff_shown(self) -> ColumnElement[bool]:
        # Built when a staff list is first loaded, not for every request.
        return shows_field(self.viewer, self.registry, ProfileField.AFFILIATIONS)

    def readable(self, type_name: str) -> RuledByIdLoader[Any]:
        """Rows of a node type by id, under the row rule its read declaration states for
        `node(id:)` (graph/reads/): the one predicate both paths apply."""
        from graph.compiler.mapping import NODE_VISIBILITY  # the declarations import us

        rule_name = NODE_VISIBILITY[type_name]
        assert rule_name is not None, f"{type_name} has no node rule"
        return self.ruled(rule_name)

    def ruled(self, rule_name: str) -> RuledByIdLoader[Any]:
        """Rows by id that pass a rule the read declarations name (graph/reads/: a row
        filter or a column mask), evaluated in SQL for this request's viewer."""
        found = self._ruled.get(rule_name)
        if found is None:
            from graph.compiler.mapping import RULES  # the declarations import us

            rule = RULES[rule_name]
            predicate = rule.predicate(self.viewer, self.registry)
            found = self._ruled[rule_name] = RuledByIdLoader(self.database, rule.model, predicate)
        return found

    @cached_property
    def events(self) -> EventLoaders:
        """The events domain's loaders, for this request."""
        return EventLoaders(self.database, self.viewer)

    @cached_property
    def contribution(self) -> ContributionLoaders:
        """The contribution engine's loaders, for this request."""
        return ContributionLoaders(self.database, self.viewer)

    @cached_property
    def engineer_by_id(self) -> EngineerByIdLoader:
        """EngineerByIdLoader, for this request."""
        return EngineerByIdLoader(self.database)

    @cached_property
    def profile_access_by_engineer_id(self) -> ProfileAccessByEngineerIdLoader:
        """ProfileAccessByEngineerIdLoader, for this request."""
        return ProfileAccessByEngineerIdLoader(self.database, self.viewer, self.registry)

    @cached_property
    def sectors_by_engineer_id(self) -> SectorsByEngineerIdLoader:
        """SectorsByEngineerIdLoader, for this request."""
        return SectorsByEngineerIdLoader(self.database)

    @cached_property
    def skills_by_engineer_id(self) -> SkillsByEngineerIdLoader:
        """SkillsByEngineerIdLoader, for this request."""
        return SkillsByEngineerIdLoader(self.database)

    @cached_property
    def positions_by_engineer_id(self) -> PositionsByEngineerIdLoader:
        """PositionsByEngineerIdLoader, for this request."""
        return PositionsByEngineerIdLoader(self.database)

    @cached_property
    def education_by_engineer_id(self) -> EducationByEngineerIdLoader:
        """EducationByEngineerIdLoader, for this request."""
        return EducationByEngineerIdLoader(self.database)

    @cached_property
    def affiliations_by_engineer_id(self) -> AffiliationsByEngineerIdLoader:
        """AffiliationsByEngineerIdLoader, for this request."""
        return AffiliationsByEngineerIdLoader(self.database)

    @cached_property
    def chapter_by_id(self) -> ChapterByIdLoader:
        """ChapterByIdLoader, for this request."""
        return ChapterByIdLoader(self.database)

    @cached_property
    def membership_by_id(self) -> MembershipByIdLoader:
        """MembershipByIdLoader, for this request's viewer."""
        return MembershipByIdLoader(self.database, membership_node_rule(self.viewer))

    @cached_property
    def membership_page_by_chapter_id(self) -> MembershipPageByChapterIdLoader:
        """MembershipPageByChapterIdLoader, for this request."""
        return MembershipPageByChapterIdLoader(self.database)

    @cached_property
    def membership_count_by_chapter_id(self) -> MembershipCountByChapterIdLoader:
        """MembershipCountByChapterIdLoader, for this request."""
        return MembershipCountByChapterIdLoader(self.database)

    @cached_property
    def membership_page_by_engineer_id(self) -> MembershipPageByEngineerIdLoader:
        """MembershipPageByEngineerIdLoader, for this request."""
        return MembershipPageByEngineerIdLoader(self.database)

    @cached_property
    def membership_count_by_engineer_id(self) -> MembershipCountByEngineerIdLoader:
        """MembershipCountByEngineerIdLoader, for this request."""
        return MembershipCountByEngineerIdLoader(self.database)

    @cached_property
    def chapter_page_by_engineer_id(self) -> ChapterPageByEngineerIdLoader:
        """ChapterPageByEngineerIdLoader, for this request."""
        return ChapterPageByEngineerIdLoader(self.database)

    @cached_property
    def chapter_count_by_engineer_id(self) -> ChapterCountByEngineerIdLoader:
        """ChapterCountByEngineerIdLoader, for this request."""
        return ChapterCountByEngineerIdLoader(self.database)

    @cached_property
    def audit_log_page_by_chapter_id(self) -> AuditLogPageByChapterIdLoader:
        """AuditLogPageByChapterIdLoader, for this request."""
        return AuditLogPageByChapterIdLoader(self.database)

    @cached_property
    def audit_log_count_by_chapter_id(self) -> AuditLogCountByChapterIdLoader:
        """AuditLogCountByChapterIdLoader, for this request."""
        return AuditLogCountByChapterIdLoader(self.database)

    @cached_property
    def institution_by_id(self) -> InstitutionByIdLoader:
        """InstitutionByIdLoader, for this request."""
        return InstitutionByIdLoader(self.database)

    @cached_property
    def staff_page_by_institution_id(self) -> StaffPageByInstitutionIdLoader:
        """StaffPageByInstitutionIdLoader, for this request."""
        return StaffPageByInstitutionIdLoader(self.database, self._staff_shown)

    @cached_property
    def staff_count_by_institution_id(self) -> StaffCountByInstitutionIdLoader:
        """StaffCountByInstitutionIdLoader, for this request."""
        return StaffCountByInstitutionIdLoader(self.database, self._staff_shown)

    @cached_property
    def sector_by_id(self) -> SectorByIdLoader:
        """SectorByIdLoader, for this request."""
        return SectorByIdLoader(self.database)

    @cached_property
    def affiliation_by_id(self) -> AffiliationByIdLoader:
        """AffiliationByIdLoader, for this request."""
        return AffiliationByIdLoader(self.database)

    @cached_property
    def notification_by_id(self) -> NotificationByIdLoader:
        """NotificationByIdLoader: the viewer's own notifications, for this request."""
        return NotificationByIdLoader(self.database, self.viewer)

    @cached_property
    def consent_grant_by_id(self) -> ConsentGrantByIdLoader:
        """ConsentGrantByIdLoader, for this request."""
        return ConsentGrantByIdLoader(self.database)

    @cached_property
    def skill_by_id(self) -> SkillByIdLoader:
        """SkillByIdLoader, for this request."""
        return SkillByIdLoader(self.database)

    @cached_property
    def skills_by_sector_id(self) -> SkillsBySectorIdLoader:
        """SkillsBySectorIdLoader, for this request."""
        return SkillsBySectorIdLoader(self.database)

    @cached_property
    def forum_category_by_id(self) -> ForumCategoryByIdLoader:
        """ForumCategoryByIdLoader, for this request."""
        return ForumCategoryByIdLoader(self.database)

    @cached_property
    def forum_thread_by_id(self) -> ForumThreadByIdLoader:
        """ForumThreadByIdLoader, for this request."""
        return ForumThreadByIdLoader(self.database)

    @cached_property
    def readable_forum_category_by_id(self) -> ReadableForumCategoryByIdLoader:
        """ReadableForumCategoryByIdLoader, for this request's viewer."""
        return ReadableForumCategoryByIdLoader(self.database, forum_scope(self.viewer))

    @cached_property
    def readable_forum_thread_by_id(self) -> ReadableForumThreadByIdLoader:
        """ReadableForumThreadByIdLoader, for this request's viewer."""
        return ReadableForumThreadByIdLoader(self.database, forum_scope(self.viewer))

    @cached_property
    def forum_post_by_id(self) -> ForumPostByIdLoader:
        """ForumPostByIdLoader, for this request."""
        return ForumPostByIdLoader(self.database)

    @cached_property
    def forum_report_page_by_category_id(self) -> ForumReportPageByCategoryIdLoader:
        """ForumReportPageByCategoryIdLoader, for this request."""
        return ForumReportPageByCategoryIdLoader(self.database)

    @cached_property
    def forum_report_count_by_category_id(self) -> ForumReportCountByCategoryIdLoader:
        """ForumReportCountByCategoryIdLoader, for this request."""
        return ForumReportCountByCategoryIdLoader(self.database)

    @cached_property
    def forum_thread_page_by_category_id(self) -> ForumThreadPageByCategoryIdLoader:
        """ForumThreadPageByCategoryIdLoader, for this request."""
        return ForumThreadPageByCategoryIdLoader(self.database)

    @cached_property
    def forum_thread_count_by_category_id(self) -> ForumThreadCountByCategoryIdLoader:
        """ForumThreadCountByCategoryIdLoader, for this request."""
        return ForumThreadCountByCategoryIdLoader(self.database)

    @cached_property
    def forum_post_page_by_thread_id(self) -> ForumPostPageByThreadIdLoader:
        """ForumPostPageByThreadIdLoader, for this request."""
        return ForumPostPageByThreadIdLoader(self.database)

    @cached_property
    def forum_category_page_by_chapter_id(self) -> ForumCategoryPageByChapterIdLoader:
        """ForumCategoryPageByChapterIdLoader, for this request."""
        return ForumCategoryPageByChapterIdLoader(self.database)

    @cached_property
    def forum_category_count_by_chapter_id(self) -> ForumCategoryCountByChapterIdLoader:
        """ForumCategoryCountByChapterIdLoader, for this request."""
        return ForumCategoryCountByChapterIdLoader(self.database)

    @cached_property
    def forum_vote_by_post_id(self) -> ForumVoteByPostIdLoader:
        """ForumVoteByPostIdLoader, for this request."""
        return ForumVoteByPostIdLoader(self.database, self.viewer.engineer_id)

    @cached_property
    def programmes(self) -> ProgrammeLoaders:
        """The mentorship programmes' loaders, for this request."""
        return ProgrammeLoaders(self.database, self.viewer)

    @cached_property
    def investment(self) -> InvestmentLoaders:
        """The investment domain's loaders, for this request."""
        return InvestmentLoaders(self.database, self.viewer)

    @cached_property
    def panels(self) -> PanelLoaders:
        """The panels domain's loaders, for this request."""
        return PanelLoaders(self.database, self.viewer)

    @cached_property
    def supervision(self) -> SupervisionLoaders:
        """Project supervision loaders, for this request."""
        return SupervisionLoaders(self.database, self.viewer)

    @cached_property
    def consultancy(self) -> "ConsultancyLoaders":
        """The consultancy marketplace's loaders, for this request."""
        from graph.loaders.consultancy import ConsultancyLoaders

        return ConsultancyLoaders(self.database, self.viewer)

    @cached_property
    def data_export_by_id(self) -> DataExportByIdLoader:
        """DataExportByIdLoader: the viewer's own data exports, for this request."""
        return DataExportByIdLoader(self.database, self.viewer)

    @cached_property
    def hall_of_fame(self) -> HallOfFameLoaders:
        """The Hall of Fame's loaders, for this request."""
        return HallOfFameLoaders(self.database, self.viewer, self.registry)
