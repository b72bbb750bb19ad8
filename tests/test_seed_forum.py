"""Demo forum data is deterministic, consistent with itself and obeys the database's rules."""

import random
import re
from collections import Counter

from db.models.forum import BODY_MAX, TAG_PATTERN, TAGS_MAX, TITLE_MAX
from db.seed.forum import FORUM_COLUMNS, ChapterSource, ForumRows, SectorSource, plan_forum

SECTORS = [
    SectorSource(1, "ai", "Artificial Intelligence", ("Machine Learning", "MLOps")),
    SectorSource(2, "renewable-energy", "Renewable Energy", ("Solar PV Design",)),
]
CHAPTERS = [
    ChapterSource(1, "gulf-uae", "Gulf Chapter", ("AE",), tuple(range(1, 40)), (1, 2)),
    ChapterSource(2, "uk-ireland", "UK Chapter", ("GB", "IE"), tuple(range(40, 90)), (40,)),
]


def plan(random_seed: int = 3) -> ForumRows:
    return plan_forum(random.Random(random_seed), 1.0, 500, SECTORS, CHAPTERS)


def records(rows: ForumRows, table: str) -> list[dict[str, object]]:
    columns = FORUM_COLUMNS[table]
    return [dict(zip(columns, row, strict=True)) for row in rows.tables[table]]


def test_the_same_seed_draws_the_same_forum() -> None:
    assert plan().tables == plan().tables
    assert plan().tables != plan(4).tables


def test_categories_are_global_per_sector_and_per_chapter_some_members_only() -> None:
    categories = records(plan(), "forum_categories")
    kinds = Counter(str(category["kind"]) for category in categories)
    assert kinds == {"GLOBAL": 4, "SECTOR": 2, "CHAPTER": 2}
    assert [
        category["members_only"] for category in categories if category["kind"] == "CHAPTER"
    ] == [
        False,
        True,
    ]


def test_threads_hold_counts_that_match_their_posts_and_some_run_long() -> None:
    rows = plan()
    threads = records(rows, "forum_threads")
    posts = records(rows, "forum_posts")
    assert len(threads) == 300
    per_thread = Counter(post["thread_id"] for post in posts)
    assert all(thread["post_count"] == per_thread[thread["id"]] for thread in threads)
    assert sum(1 for count in per_thread.values() if count >= 60) >= 2
    for thread in threads:
        assert 3 <= len(str(thread["title"])) <= TITLE_MAX
        assert 1 <= len(str(thread["body"])) <= BODY_MAX
        tags = thread["tags"]
        assert isinstance(tags, list)
        assert len(tags) <= TAGS_MAX
        assert all(re.fullmatch(TAG_PATTERN, tag) for tag in tags)
        assert thread["last_posted_at"] >= thread["created_at"]  # type: ignore[operator]


def test_scores_are_the_sum_of_votes_and_nobody_votes_on_their_own_post() -> None:
    rows = plan()
    posts = {post["id"]: post for post in records(rows, "forum_posts")}
    scores: Counter[object] = Counter()
    for vote in records(rows, "forum_votes"):
        assert vote["engineer_id"] != posts[vote["post_id"]]["author_id"]
        scores[vote["post_id"]] += vote["value"]  # type: ignore[operator]
    assert all(post["score"] == scores[post_id] for post_id, post in posts.items())
    pairs = [(vote["post_id"], vote["engineer_id"]) for vote in records(rows, "forum_votes")]
    assert len(pairs) == len(set(pairs))


def test_chapter_threads_are_written_by_the_chapters_members() -> None:
    rows = plan()
    categories = {category["id"]: category for category in records(rows, "forum_categories")}
    members = {chapter.id: set(chapter.members) for chapter in CHAPTERS}
    threads = {thread["id"]: thread for thread in records(rows, "forum_threads")}
    for thread in threads.values():
        chapter_id = categories[thread["category_id"]]["chapter_id"]
        if chapter_id is not None:
            assert thread["author_id"] in members[chapter_id]  # type: ignore[index]
    for post in records(rows, "forum_posts"):
        chapter_id = categories[threads[post["thread_id"]]["category_id"]]["chapter_id"]
        if chapter_id is not None:
            assert post["author_id"] in members[chapter_id]  # type: ignore[index]


def test_accepted_answers_belong_to_their_thread_and_reports_have_one_target() -> None:
    rows = plan()
    thread_of = {post["id"]: post["thread_id"] for post in records(rows, "forum_posts")}
    assert rows.accepted
    assert all(thread_of[post_id] == thread_id for thread_id, post_id in rows.accepted)
    reports = records(rows, "forum_reports")
    assert reports
    for report in reports:
        assert (report["thread_id"] is None) != (report["post_id"] is None)
        assert (report["status"] == "OPEN") == (report["resolved_at"] is None)
