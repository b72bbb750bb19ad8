"""Expected failures of a business rule: a code per domain, a message, the offending input."""

import enum
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One reason a mutation could not be carried out (becomes a GraphQL `userError`)."""

    code: enum.Enum
    message: str
    field: tuple[str, ...] = ()


class Rejected(Exception):
    """A service refused the operation; nothing it did may be committed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = tuple(problems)


def reject(code: enum.Enum, message: str, *field: str) -> Rejected:
    """A Rejected with one problem, ready to raise."""
    return Rejected([Problem(code, message, tuple(field))])
