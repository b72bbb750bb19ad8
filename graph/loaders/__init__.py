"""Per-request DataLoaders, created together in one container."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement

from db.enums import ProfileField
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.database import RequestDatabase
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
from graph.loaders.engineer import (
    AffiliationsByEngineerIdLoader,
    EducationByEngineerIdLoader,
    EngineerByIdLoader,
    PositionsByEngineerIdLoader,
    ProfileAccessByEngineerIdLoader,
    SectorsByEngineerIdLoader,
    SkillsByEngineerIdLoader,
)
from graph.loaders.forum import (
    ForumCategoryByIdLoader,
    ForumCategoryCountByChapterIdLoader,
    ForumCategoryPageByChapterIdLoader,
    ForumPostByIdLoader,
    ForumPostPageByThreadIdLoader,
    ForumReportByIdLoader,
    ForumReportCountByCategoryIdLoader,
    ForumReportPageByCategoryIdLoader,
    ForumThreadByIdLoader,
    ForumThreadCountByCategoryIdLoader,
    ForumThreadPageByCategoryIdLoader,
    ForumVoteByPostIdLoader,
)
from graph.loaders.institution import (
    InstitutionByIdLoader,
    StaffCountByInstitutionIdLoader,
    StaffPageByInstitutionIdLoader,
)
from graph.loaders.taxonomy import SectorByIdLoader, SkillByIdLoader, SkillsBySectorIdLoader
from graph.services.visibility import shows_field


@dataclass
class Loaders:
    """Every DataLoader of one request; never shared between requests."""

    engineer_by_id: EngineerByIdLoader
    profile_access_by_engineer_id: ProfileAccessByEngineerIdLoader
    sectors_by_engineer_id: SectorsByEngineerIdLoader
    skills_by_engineer_id: SkillsByEngineerIdLoader
    positions_by_engineer_id: PositionsByEngineerIdLoader
    education_by_engineer_id: EducationByEngineerIdLoader
    affiliations_by_engineer_id: AffiliationsByEngineerIdLoader
    chapter_by_id: ChapterByIdLoader
    membership_by_id: MembershipByIdLoader
    membership_page_by_chapter_id: MembershipPageByChapterIdLoader
    membership_count_by_chapter_id: MembershipCountByChapterIdLoader
    membership_page_by_engineer_id: MembershipPageByEngineerIdLoader
    membership_count_by_engineer_id: MembershipCountByEngineerIdLoader
    chapter_page_by_engineer_id: ChapterPageByEngineerIdLoader
    chapter_count_by_engineer_id: ChapterCountByEngineerIdLoader
    audit_log_page_by_chapter_id: AuditLogPageByChapterIdLoader
    audit_log_count_by_chapter_id: AuditLogCountByChapterIdLoader
    institution_by_id: InstitutionByIdLoader
    staff_page_by_institution_id: StaffPageByInstitutionIdLoader
    staff_count_by_institution_id: StaffCountByInstitutionIdLoader
    sector_by_id: SectorByIdLoader
    consent_grant_by_id: ConsentGrantByIdLoader
    skill_by_id: SkillByIdLoader
    skills_by_sector_id: SkillsBySectorIdLoader
    forum_category_by_id: ForumCategoryByIdLoader
    forum_thread_by_id: ForumThreadByIdLoader
    forum_post_by_id: ForumPostByIdLoader
    forum_report_by_id: ForumReportByIdLoader
    forum_report_page_by_category_id: ForumReportPageByCategoryIdLoader
    forum_report_count_by_category_id: ForumReportCountByCategoryIdLoader
    forum_thread_page_by_category_id: ForumThreadPageByCategoryIdLoader
    forum_thread_count_by_category_id: ForumThreadCountByCategoryIdLoader
    forum_post_page_by_thread_id: ForumPostPageByThreadIdLoader
    forum_category_page_by_chapter_id: ForumCategoryPageByChapterIdLoader
    forum_category_count_by_chapter_id: ForumCategoryCountByChapterIdLoader
    forum_vote_by_post_id: ForumVoteByPostIdLoader

    @classmethod
    def create(
        cls, database: RequestDatabase, viewer: Viewer, registry: ChapterRegistry
    ) -> "Loaders":
        """Fresh loaders bound to one request's database."""

        def staff_shown() -> ColumnElement[bool]:
            # Built when a staff list is first loaded, not for every request.
            return shows_field(viewer, registry, ProfileField.AFFILIATIONS)

        return cls(
            engineer_by_id=EngineerByIdLoader(database),
            profile_access_by_engineer_id=ProfileAccessByEngineerIdLoader(
                database, viewer, registry
            ),
            sectors_by_engineer_id=SectorsByEngineerIdLoader(database),
            skills_by_engineer_id=SkillsByEngineerIdLoader(database),
            positions_by_engineer_id=PositionsByEngineerIdLoader(database),
            education_by_engineer_id=EducationByEngineerIdLoader(database),
            affiliations_by_engineer_id=AffiliationsByEngineerIdLoader(database),
            chapter_by_id=ChapterByIdLoader(database),
            membership_by_id=MembershipByIdLoader(database),
            membership_page_by_chapter_id=MembershipPageByChapterIdLoader(database),
            membership_count_by_chapter_id=MembershipCountByChapterIdLoader(database),
            membership_page_by_engineer_id=MembershipPageByEngineerIdLoader(database),
            membership_count_by_engineer_id=MembershipCountByEngineerIdLoader(database),
            chapter_page_by_engineer_id=ChapterPageByEngineerIdLoader(database),
            chapter_count_by_engineer_id=ChapterCountByEngineerIdLoader(database),
            audit_log_page_by_chapter_id=AuditLogPageByChapterIdLoader(database),
            audit_log_count_by_chapter_id=AuditLogCountByChapterIdLoader(database),
            institution_by_id=InstitutionByIdLoader(database),
            staff_page_by_institution_id=StaffPageByInstitutionIdLoader(database, staff_shown),
            staff_count_by_institution_id=StaffCountByInstitutionIdLoader(database, staff_shown),
            sector_by_id=SectorByIdLoader(database),
            consent_grant_by_id=ConsentGrantByIdLoader(database),
            skill_by_id=SkillByIdLoader(database),
            skills_by_sector_id=SkillsBySectorIdLoader(database),
            forum_category_by_id=ForumCategoryByIdLoader(database),
            forum_thread_by_id=ForumThreadByIdLoader(database),
            forum_post_by_id=ForumPostByIdLoader(database),
            forum_report_by_id=ForumReportByIdLoader(database),
            forum_report_page_by_category_id=ForumReportPageByCategoryIdLoader(database),
            forum_report_count_by_category_id=ForumReportCountByCategoryIdLoader(database),
            forum_thread_page_by_category_id=ForumThreadPageByCategoryIdLoader(database),
            forum_thread_count_by_category_id=ForumThreadCountByCategoryIdLoader(database),
            forum_post_page_by_thread_id=ForumPostPageByThreadIdLoader(database),
            forum_category_page_by_chapter_id=ForumCategoryPageByChapterIdLoader(database),
            forum_category_count_by_chapter_id=ForumCategoryCountByChapterIdLoader(database),
            forum_vote_by_post_id=ForumVoteByPostIdLoader(database, viewer.engineer_id),
        )
