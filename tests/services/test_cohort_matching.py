"""Cohort matching: the optimum respects slots and beats (or ties) the greedy loop."""

import itertools
import random
from decimal import Decimal

from graph.services.cohort_matching import greedy, optimal


def D(value: str) -> Decimal:  # noqa: N802  (reads like a literal)
    return Decimal(value)


def test_optimal_beats_greedy_where_greedy_takes_the_best_pair_first() -> None:
    # Given two one-slot mentors; A suits both mentees, B suits only x
    slots = {1: 1, 2: 1}
    scores = {(1, 10): D("0.9"), (1, 11): D("0.8"), (2, 10): D("0.7"), (2, 11): D("0.1")}
    # When both assign
    best = optimal(slots, [10, 11], scores)
    baseline = greedy(slots, [10, 11], scores)
    # Then greedy takes A-x first and leaves B with y (1.0); the optimum pairs A-y, B-x (1.5)
    assert baseline.pairs == ((1, 10), (2, 11))
    assert baseline.total == D("1.0")
    assert best.pairs == ((1, 11), (2, 10))
    assert best.total == D("1.5")
    assert best.total > baseline.total


def test_slots_are_never_exceeded_and_every_mentee_is_matched_at_most_once() -> None:
    slots = {1: 3, 2: 1, 3: 2}
    mentees = list(range(100, 110))
    rng = random.Random(7)
    scores = {
        (mentor, mentee): Decimal(rng.randint(0, 10_000)) / 10_000
        for mentor in slots
        for mentee in mentees
    }
    best = optimal(slots, mentees, scores)
    assert len(best.pairs) == 6
    for mentor, taken in slots.items():
        assert sum(1 for m, _ in best.pairs if m == mentor) <= taken
    assert len({mentee for _, mentee in best.pairs}) == len(best.pairs)


def test_optimal_equals_brute_force_on_small_random_cases() -> None:
    rng = random.Random(11)
    for _ in range(30):
        slots = {mentor: rng.randint(1, 2) for mentor in range(1, 4)}
        mentees = list(range(10, 10 + rng.randint(1, 5)))
        scores = {
            (mentor, mentee): Decimal(rng.randint(0, 100)) / 100
            for mentor in slots
            for mentee in mentees
            if rng.random() < 0.8
        }
        columns = [mentor for mentor, taken in slots.items() for _ in range(taken)]
        brute = Decimal(0)
        for choice in itertools.product([None, *range(len(columns))], repeat=len(mentees)):
            used = [c for c in choice if c is not None]
            if len(used) != len(set(used)):
                continue
            pairs = [
                (columns[c], mentee)
                for c, mentee in zip(choice, mentees, strict=True)
                if c is not None
            ]
            if all(pair in scores for pair in pairs):
                brute = max(brute, sum((scores[pair] for pair in pairs), Decimal(0)))
        best = optimal(slots, mentees, scores)
        assert best.total == brute
        assert best.total >= greedy(slots, mentees, scores).total


def test_pairs_not_scored_are_never_chosen() -> None:
    # Given mentor 1 may only take mentee 10, and mentor 2 nobody
    best = optimal({1: 1, 2: 1}, [10, 11], {(1, 10): D("0.2")})
    assert best.pairs == ((1, 10),)


def test_nothing_to_match() -> None:
    assert optimal({}, [1], {}).pairs == ()
    assert optimal({1: 2}, [], {}).pairs == ()
