"""Column lists of the tables the seed bulk-loads, and the row buffer it fills."""

from dataclasses import dataclass, field

Row = tuple[object, ...]

ENGINEER_COLUMNS = (
    "id", "handle", "name", "headline", "bio", "email", "phone", "country_code", "city",
    "is_overseas", "timezone", "languages", "disciplines", "offers", "seeks",
    "capacity_hours_per_month", "max_mentees", "pec_registration_number", "pec_status",
)
ENGINEER_SECTOR_COLUMNS = ("engineer_id", "sector_id")
ENGINEER_SKILL_COLUMNS = ("engineer_id", "skill_id", "level", "years")
POSITION_COLUMNS = (
    "engineer_id", "title", "organization", "institution_id", "country_code", "city",
    "start_date", "end_date",
)
EDUCATION_COLUMNS = (
    "engineer_id", "school", "institution_id", "degree", "field_of_study", "start_year",
    "end_year",
)
MEMBERSHIP_COLUMNS = ("chapter_id", "engineer_id", "role", "status", "since")
AFFILIATION_COLUMNS = ("institution_id", "engineer_id", "role", "since")
SECTOR_COLUMNS = ("id", "slug", "name", "description")
SKILL_COLUMNS = ("id", "slug", "name", "sector_id")
INSTITUTION_COLUMNS = (
    "id", "slug", "name", "kind", "country_code", "city", "website", "description", "verified",
)

ENGINEER_TABLES: dict[str, tuple[str, ...]] = {
    "engineers": ENGINEER_COLUMNS,
    "engineer_sectors": ENGINEER_SECTOR_COLUMNS,
    "engineer_skills": ENGINEER_SKILL_COLUMNS,
    "positions": POSITION_COLUMNS,
    "education": EDUCATION_COLUMNS,
    "memberships": MEMBERSHIP_COLUMNS,
    "affiliations": AFFILIATION_COLUMNS,
}


@dataclass
class Rows:
    """Rows for the engineer tables, buffered until the next bulk load."""

    tables: dict[str, list[Row]] = field(
        default_factory=lambda: {table: [] for table in ENGINEER_TABLES}
    )

    def add(self, table: str, row: Row) -> None:
        """Buffer one row for `table`."""
        self.tables[table].append(row)

    def counts(self) -> dict[str, int]:
        """How many rows are buffered per table."""
        return {table: len(rows) for table, rows in self.tables.items()}
