"""Weighted random choice over a fixed population, with cumulative weights computed once."""

import bisect
import itertools
import random
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A population with weights; `pick` costs O(log n) instead of random.choices' O(n)."""

    __slots__ = ("_cumulative", "_items", "_total")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items: list[T] = []
        weights: list[float] = []
        for item, weight in pairs:
            if weight > 0:
                items.append(item)
                weights.append(weight)
        if not items:
            raise ValueError("a weighted choice needs at least one positive weight")
        self._items: Sequence[T] = tuple(items)
        self._cumulative = tuple(itertools.accumulate(weights))
        self._total = self._cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        """One item, drawn in proportion to its weight."""
        index = bisect.bisect_right(self._cumulative, rng.random() * self._total)
        return self._items[min(index, len(self._items) - 1)]

    def sample(self, rng: random.Random, count: int) -> list[T]:
        """Up to `count` distinct items, each drawn in proportion to its weight."""
        count = min(count, len(self._items))
        chosen: list[T] = []
        while len(chosen) < count:
            item = self.pick(rng)
            if item not in chosen:
                chosen.append(item)
        return chosen


def count_between(rng: random.Random, weights: Sequence[float], low: int = 1) -> int:
    """A count from `low` upwards, drawn with the given relative weights."""
    return low + rng.choices(range(len(weights)), weights=weights)[0]
