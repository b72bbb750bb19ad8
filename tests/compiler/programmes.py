"""The compiled-read world's mentorship programmes: an OPEN chapter programme with applications
in each review state, and a PROPOSED institution programme with pairs (no engagements, so the
rest of the world reads as before)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MentorshipApplication, MentorshipPair, MentorshipProgramme
from graph.ids import encode_id

if TYPE_CHECKING:
    from tests.compiler.conftest import World

MOMENT = datetime(2030, 3, 1, 9, 30, tzinfo=UTC)


def _programme(**values: Any) -> MentorshipProgramme:
    return MentorshipProgramme(
        description="Cmp monthly calls",
        starts_on=date(2030, 5, 1),
        ends_on=date(2030, 11, 1),
        capacity=5,
        hours_per_month=2,
        mentor_opens_at=datetime(2030, 1, 1, tzinfo=UTC),
        mentor_closes_at=datetime(2030, 2, 1, tzinfo=UTC),
        mentee_opens_at=datetime(2030, 1, 15, tzinfo=UTC),
        mentee_closes_at=datetime(2030, 2, 15, tzinfo=UTC),
        questions=["Cmp why?", "Cmp when?"],
        created_at=MOMENT,
        updated_at=MOMENT,
        **values,
    )


async def build(session: AsyncSession, found: "World") -> None:
    """The two programmes; ids as `programme-open`, `programme-proposed`, `application-<n>`
    (by engineer number) and `pair-0`, `pair-1`."""
    opened = _programme(chapter_id=found.pks["gulf-uae"], name="Cmp open programme", format="GROUP")
    proposed = _programme(
        institution_id=found.pks["cmp-uni"],
        name="Cmp proposed programme",
        status="PROPOSED",
        proposed_at=MOMENT,
    )
    session.add_all([opened, proposed])
    await session.flush()
    found.ids["programme-open"] = encode_id("MentorshipProgramme", opened.id)
    found.ids["programme-proposed"] = encode_id("MentorshipProgramme", proposed.id)
    specs = (
        (opened, 1, "MENTOR", 2, "ACCEPTED"),
        (opened, 4, "MENTEE", None, "SUBMITTED"),
        (opened, 5, "MENTEE", None, "DECLINED"),
        (proposed, 0, "MENTOR", 1, "ACCEPTED"),
        (proposed, 3, "MENTOR", 2, "ACCEPTED"),
        (proposed, 2, "MENTEE", None, "ACCEPTED"),
        (proposed, 6, "MENTEE", None, "ACCEPTED"),
    )
    applications: dict[int, MentorshipApplication] = {}
    for programme, number, role, slots, status in specs:
        row = MentorshipApplication(
            programme_id=programme.id,
            applicant_id=found.pks[f"cmp-{number}"],
            role=role,
            slots=slots,
            answers=[f"Cmp answer {number}", "Cmp soon"],
            status=status,
            created_at=MOMENT,
            decided_at=None if status == "SUBMITTED" else MOMENT,
        )
        session.add(row)
        await session.flush()
        applications[number] = row
        found.ids[f"application-cmp-{number}"] = encode_id("MentorshipApplication", row.id)
    for index, (mentor, mentee, score, manual) in enumerate(
        ((0, 2, "0.5125", False), (3, 6, "0.7500", True))
    ):
        pair = MentorshipPair(
            programme_id=proposed.id,
            mentor_application_id=applications[mentor].id,
            mentee_application_id=applications[mentee].id,
            score=Decimal(score),
            factors=[],
            explanation=f"Shares cmp water; {index + 2} h/month free",
            manual=manual,
            created_at=MOMENT,
        )
        session.add(pair)
        await session.flush()
        found.ids[f"pair-{index}"] = encode_id("MentorshipPair", pair.id)
