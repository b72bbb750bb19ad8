"""Demo mentorship programmes: per chapter that runs them (and one university), a programme
open for applications, one whose cohort matching is proposed, or one published with its
engagements, sessions and feedback; in turn, so that every scale shows all three."""

import random
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import (
    Engagement,
    EngagementSession,
    Feedback,
    MentorshipApplication,
    MentorshipPair,
    MentorshipProgramme,
    Notification,
)
from db.queries.programme import score_pairs

PROGRAMME_TABLES = ("mentorship_programmes", "mentorship_applications", "mentorship_pairs")
STATES = ("OPEN", "PROPOSED", "PUBLISHED")
NAMES = (
    "Graduate Mentoring Circle",
    "Women in Engineering Mentorship",
    "Final-Year to First Job",
    "Renewables Career Launchpad",
    "Chartership Readiness Programme",
)
QUESTIONS = (
    "What do you hope to learn or share?",
    "Which sectors interest you most?",
)
ANSWERS = (
    "Career guidance for power and water projects.",
    "I want to move from design into project management.",
    "Happy to share what chartership abroad took.",
    "Renewable energy and grid integration.",
)


async def _ids(connection: AsyncConnection, sql: str, **parameters: Any) -> list[int]:
    return [row[0] for row in await connection.execute(text(sql), parameters)]


async def _runners(connection: AsyncConnection) -> list[tuple[int | None, int | None, str]]:
    """(chapter id, institution id, name) of every runner: the chapters with the switch on,
    then one university."""
    chapters = await connection.execute(
        text(
            "SELECT id, name FROM chapters WHERE archived_at IS NULL"
            " AND coalesce((features ->> 'mentorship_programmes')::boolean, false) ORDER BY slug"
        )
    )
    runners: list[tuple[int | None, int | None, str]] = [
        (row.id, None, row.name) for row in chapters
    ]
    university = (
        await connection.execute(
            text("SELECT id, name FROM institutions WHERE kind = 'UNIVERSITY' ORDER BY id LIMIT 1")
        )
    ).first()
    if university is not None:
        runners.append((None, university.id, university.name))
    return runners


async def _people(
    connection: AsyncConnection, rng: random.Random, chapter_id: int | None, size: int
) -> tuple[list[int], list[int]]:
    """Mentors (overseas, members of the chapter when it has enough) and mentees (at home)."""
    members = (
        await _ids(
            connection,
            "SELECT e.id FROM engineers e JOIN memberships m ON m.engineer_id = e.id"
            " WHERE m.chapter_id = :chapter AND m.status = 'ACTIVE' AND e.is_overseas"
            " ORDER BY e.id",
            chapter=chapter_id,
        )
        if chapter_id is not None
        else []
    )
    if len(members) < size:
        members = await _ids(connection, "SELECT id FROM engineers WHERE is_overseas ORDER BY id")
    home = await _ids(connection, "SELECT id FROM engineers WHERE NOT is_overseas ORDER BY id")
    mentors = rng.sample(members, min(size, len(members)))
    mentees = rng.sample(home, min(2 * size, len(home)))
    return mentors, mentees


async def _coordinator(
    connection: AsyncConnection, chapter: int | None, institution: int | None
) -> int | None:
    if chapter is not None:
        found = await _ids(
            connection,
            "SELECT engineer_id FROM memberships WHERE chapter_id = :chapter"
            " AND status = 'ACTIVE' AND role = 'coordinator' ORDER BY engineer_id LIMIT 1",
            chapter=chapter,
        )
    else:
        found = await _ids(
            connection,
            "SELECT engineer_id FROM affiliations WHERE institution_id = :institution"
            " ORDER BY engineer_id LIMIT 1",
            institution=institution,
        )
    return found[0] if found else None


def _windows(state: str, now: datetime) -> dict[str, Any]:
    """Dates and windows that make sense for the state."""
    back = {"OPEN": 0, "PROPOSED": 40, "PUBLISHED": 100}[state]
    opens = now - timedelta(days=7 + back)
    closes = now + timedelta(days=21 - back)
    starts = (closes + timedelta(days=14)).date()
    return {
        "starts_on": starts,
        "ends_on": starts + timedelta(days=180),
        "mentor_opens_at": opens,
        "mentor_closes_at": closes,
        "mentee_opens_at": opens + timedelta(days=3),
        "mentee_closes_at": closes,
        "proposed_at": now - timedelta(days=3) if state != "OPEN" else None,
        "published_at": now - timedelta(days=60) if state == "PUBLISHED" else None,
    }


def _round_robin(slots: dict[int, int], mentees: Sequence[int]) -> list[tuple[int, int]]:
    """A seed cohort: mentees dealt to mentors' free slots in turn (coordinators re-run the
    optimal matching with mentorshipCohortPropose)."""
    seats = [mentor for round_ in range(3) for mentor in slots if slots[mentor] > round_]
    return list(zip(seats, mentees, strict=False))


async def seed_programmes(
    connection: AsyncConnection, rng: random.Random, scale: float
) -> Counter[str]:
    """Programmes in every state, with applications, pairs and (published) engagements."""
    counts: Counter[str] = Counter()
    now = datetime.now(UTC)
    size = max(2, min(30, round(4 * scale)))
    for index, (chapter, institution, runner) in enumerate(await _runners(connection)):
        state = "PUBLISHED" if institution is not None else STATES[index % len(STATES)]
        mentors, mentees = await _people(connection, rng, chapter, size)
        if not mentors or not mentees:
            continue
        programme_format = "GROUP" if institution is not None or index % 4 == 3 else "ONE_TO_ONE"
        created = await connection.execute(
            insert(MentorshipProgramme)
            .values(
                chapter_id=chapter,
                institution_id=institution,
                name=f"{runner}: {NAMES[index % len(NAMES)]}",
                description="Monthly calls pairing overseas engineers with engineers at home.",
                format=programme_format,
                capacity=len(mentees) + 5,
                hours_per_month=2,
                questions=list(QUESTIONS),
                status=state,
                created_by_id=await _coordinator(connection, chapter, institution),
                **_windows(state, now),
            )
            .returning(MentorshipProgramme.id)
        )
        programme = created.scalar_one()
        counts["mentorship_programmes"] += 1
        counts[f"programmes_{state.lower()}"] += 1
        slots = {mentor: rng.randint(1, 3) for mentor in mentors}
        applications: dict[tuple[str, int], int] = {}
        for role, people in (("MENTOR", mentors), ("MENTEE", mentees)):
            for number, person in enumerate(people):
                status = "ACCEPTED"
                if state == "OPEN":
                    status = ("SUBMITTED", "ACCEPTED", "SUBMITTED", "DECLINED")[number % 4]
                elif number % 7 == 6:
                    status = "DECLINED"
                inserted = await connection.execute(
                    insert(MentorshipApplication)
                    .values(
                        programme_id=programme,
                        applicant_id=person,
                        role=role,
                        slots=slots[person] if role == "MENTOR" else None,
                        answers=[rng.choice(ANSWERS), rng.choice(ANSWERS)],
                        status=status,
                        decided_at=None if status == "SUBMITTED" else now - timedelta(days=5),
                    )
                    .returning(MentorshipApplication.id)
                )
                if status == "ACCEPTED":
                    applications[(role, person)] = inserted.scalar_one()
                counts["mentorship_applications"] += 1
        if state == "OPEN":
            continue
        accepted_slots = {
            applications[("MENTOR", m)]: slots[m] for m in mentors if ("MENTOR", m) in applications
        }
        accepted_mentees = [
            applications[("MENTEE", m)] for m in mentees if ("MENTEE", m) in applications
        ]
        cohort = _round_robin(accepted_slots, accepted_mentees)
        scored = {
            (found.mentor_application_id, found.mentee_application_id): found
            for found in await score_pairs(
                connection, programme, list(accepted_slots), accepted_mentees
            )
        }
        engineer_of = {application: person for (_, person), application in applications.items()}
        pair_rows = []
        for mentor, mentee in cohort:
            found = scored.get((mentor, mentee))
            pair_rows.append(
                {
                    "programme_id": programme,
                    "mentor_application_id": mentor,
                    "mentee_application_id": mentee,
                    "score": found.score if found else 0,
                    "factors": found.factors if found else [],
                    "explanation": found.sentence if found else "",
                }
            )
        if not pair_rows:
            continue
        pair_ids = list(
            await connection.scalars(insert(MentorshipPair).returning(MentorshipPair.id), pair_rows)
        )
        counts["mentorship_pairs"] += len(pair_ids)
        if state == "PUBLISHED":
            await _publish(
                connection, rng, programme, institution, cohort, pair_ids, engineer_of, now, counts
            )
    return counts


async def _publish(
    connection: AsyncConnection,
    rng: random.Random,
    programme: int,
    institution: int | None,
    cohort: list[tuple[int, int]],
    pair_ids: list[int],
    engineer_of: dict[int, int],
    now: datetime,
    counts: Counter[str],
) -> None:
    """Engagements for the pairs: most ACTIVE, every fourth COMPLETED with a session logged and
    feedback from the mentee; PROGRAMME_MATCHED notifications."""
    started = now - timedelta(days=55)
    for number, ((mentor, mentee), pair) in enumerate(zip(cohort, pair_ids, strict=True)):
        done = number % 4 == 3
        contributor, seeker = engineer_of[mentor], engineer_of[mentee]
        engagement = (
            await connection.execute(
                insert(Engagement)
                .values(
                    kind="MENTORSHIP",
                    contributor_id=contributor,
                    seeker_id=seeker,
                    institution_id=institution,
                    hours_per_month=2,
                    status="COMPLETED" if done else "ACTIVE",
                    started_at=started,
                    completed_at=now - timedelta(days=2) if done else None,
                )
                .returning(Engagement.id)
            )
        ).scalar_one()
        await connection.execute(
            text("UPDATE mentorship_pairs SET engagement_id = :e WHERE id = :p"),
            {"e": engagement, "p": pair},
        )
        counts["engagements"] += 1
        if number % 2 == 0:
            await connection.execute(
                insert(EngagementSession).values(
                    engagement_id=engagement,
                    held_on=date.today() - timedelta(days=rng.randint(3, 40)),
                    minutes=rng.choice((45, 60, 90)),
                    notes="Career planning and a review of the mentee's project.",
                    attendee_ids=[contributor, seeker],
                    logged_by_id=contributor,
                )
            )
            counts["engagement_sessions"] += 1
        if done:
            await connection.execute(
                insert(Feedback).values(
                    engagement_id=engagement,
                    author_id=seeker,
                    subject_id=contributor,
                    rating=rng.choice((4, 5, 5)),
                    comment="Generous with time and very practical.",
                )
            )
            counts["engagement_feedback"] += 1
        await connection.execute(
            insert(Notification),
            [
                {
                    "recipient_id": person,
                    "kind": "PROGRAMME_MATCHED",
                    "engagement_id": engagement,
                    "payload": {"summary": "You were matched in a mentorship programme"},
                }
                for person in (contributor, seeker)
            ],
        )
        counts["notifications"] += 2
