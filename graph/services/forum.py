"""Forum rules outside the read declaration: filters, tags and who moderates a loaded category."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from db.models.forum import TAG_MAX, TAG_PATTERN, TAGS_MAX
from graph.auth.viewer import Viewer
from graph.errors import BadUserInput
from graph.services.visibility import ForumCategoryFacts, forum_scope

SEARCH_MAX = 200


@dataclass(frozen=True)
class ThreadCriteria:
    """Validated thread filters: tags (all must match) and a full-text search."""

    tags: tuple[str, ...] = ()
    search: str | None = None


def valid_tag(tag: str) -> bool:
    """A lower-case slug of at most 32 characters."""
    return len(tag) <= TAG_MAX and re.fullmatch(TAG_PATTERN, tag) is not None


def thread_criteria(tags: Sequence[str] | None, search: str | None) -> ThreadCriteria:
    """Check and normalise thread filters; BadUserInput names what is wrong."""
    unique = tuple(sorted(set(tags or ())))
    if len(unique) > TAGS_MAX:
        raise BadUserInput(f"Filter by at most {TAGS_MAX} tags.", argument="tags")
    bad = [tag for tag in unique if not valid_tag(tag)]
    if bad:
        raise BadUserInput(
            f"Invalid tag {bad[0][:40]!r}: tags are lower-case words joined by hyphens.",
            argument="tags",
        )
    text = (search or "").strip()
    if len(text) > SEARCH_MAX:
        raise BadUserInput(f"`search` takes at most {SEARCH_MAX} characters.", argument="search")
    return ThreadCriteria(unique, text or None)


def moderates(viewer: Viewer, category: ForumCategoryFacts) -> bool:
    """May the viewer moderate this category? The read declaration's `moderates_category`
    predicate, decided from the same `forum_scope` for one loaded category."""
    return forum_scope(viewer).moderates(category.chapter_id)
