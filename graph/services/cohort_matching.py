"""Cohort matching: the assignment of mentees to mentors with the greatest total score in which
no mentor takes more mentees than their slots (pure: scores in, pairs out).

The optimum comes from SciPy's `linear_sum_assignment` (the Hungarian method's modern
Jonker-Volgenant variant) over a matrix with one column per mentor *slot*: a mentor with three
slots is three identical columns, so an assignment of rows to columns never gives a mentor more
mentees than slots. `greedy` is the obvious loop (best pair first), kept as the benchmark's
baseline and to show in tests where it loses.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class Assignment:
    """Pairs (mentor, mentee) and their total score."""

    pairs: tuple[tuple[int, int], ...]
    total: Decimal


def _total(pairs: Sequence[tuple[int, int]], scores: Mapping[tuple[int, int], Decimal]) -> Decimal:
    return sum((scores[pair] for pair in pairs), Decimal(0))


def optimal(
    slots: Mapping[int, int],
    mentees: Sequence[int],
    scores: Mapping[tuple[int, int], Decimal],
) -> Assignment:
    """The assignment with the greatest total score.

    `slots` maps each mentor to how many mentees they take; `scores` maps (mentor, mentee) to a
    score in [0, 1]; a pair missing from `scores` is not allowed. A mentee is left unmatched
    only when every slot is taken or no allowed pair remains for them.
    """
    columns = [mentor for mentor in sorted(slots) for _ in range(max(slots[mentor], 0))]
    rows = list(dict.fromkeys(mentees))
    if not columns or not rows:
        return Assignment((), Decimal(0))
    # A forbidden pair weighs what leaving both unmatched weighs (nothing) and is dropped
    # afterwards, so the solver maximises the total score of the real pairs alone.
    matrix = np.zeros((len(rows), len(columns)))
    for i, mentee in enumerate(rows):
        for j, mentor in enumerate(columns):
            score = scores.get((mentor, mentee))
            if score is not None:
                matrix[i, j] = float(score)
    chosen_rows, chosen_columns = linear_sum_assignment(matrix, maximize=True)
    pairs = sorted(
        (columns[j], rows[i])
        for i, j in zip(chosen_rows.tolist(), chosen_columns.tolist(), strict=True)
        if (columns[j], rows[i]) in scores
    )
    return Assignment(tuple(pairs), _total(pairs, scores))


def greedy(
    slots: Mapping[int, int],
    mentees: Sequence[int],
    scores: Mapping[tuple[int, int], Decimal],
) -> Assignment:
    """Best pair first while the mentee is free and the mentor has a slot (the baseline)."""
    wanted = set(mentees)
    left = dict(slots)
    matched: set[int] = set()
    pairs: list[tuple[int, int]] = []
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    for (mentor, mentee), _ in ranked:
        if mentee in wanted and mentee not in matched and left.get(mentor, 0) > 0:
            pairs.append((mentor, mentee))
            matched.add(mentee)
            left[mentor] -= 1
    pairs.sort()
    return Assignment(tuple(pairs), _total(pairs, scores))
