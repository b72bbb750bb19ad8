"""The three benchmarked GraphQL operations, and the request bodies that exercise them."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

Q1 = """query Q1($handle: String!) {
  engineer(handle: $handle) {
    id handle name headline city countryCode
    chapters(first: 10) { totalCount nodes { id slug name } }
  }
}"""

Q2 = """query Q2 {
  engineers(first: 50) {
    edges {
      cursor
      node {
        id handle name headline
        memberships(first: 10) { nodes { role since chapter { slug name } } }
        skills { level years skill { slug name } }
        positions { title organization startDate endDate }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}"""

Q3 = """query Q3($slug: String!) {
  chapter(slug: $slug) {
    id name
    members(first: 100) {
      totalCount
      edges { cursor node { role since engineer { handle name } } }
    }
  }
}"""


@dataclass(frozen=True)
class Operation:
    """One benchmarked operation: its name, document and what it stands for."""

    name: str
    document: str
    summary: str

    def body(self, variables: dict[str, Any] | None = None) -> bytes:
        """The POST /graphql body for one request with these variables."""
        payload: dict[str, Any] = {"query": self.document, "operationName": self.name}
        if variables is not None:
            payload["variables"] = variables
        return orjson.dumps(payload)


OPERATIONS: dict[str, Operation] = {
    "Q1": Operation("Q1", Q1, "one engineer by handle with its chapters"),
    "Q2": Operation("Q2", Q2, "50 engineers with memberships' chapters, skills, positions"),
    "Q3": Operation("Q3", Q3, "a chapter with its first 100 members and totalCount"),
}


@dataclass(frozen=True)
class Inputs:
    """Realistic variable values to rotate over: engineer handles and chapter slugs."""

    handles: Sequence[str]
    slugs: Sequence[str]

    def bodies(self, name: str) -> list[bytes]:
        """Every request body the load generator cycles through for operation `name`."""
        operation = OPERATIONS[name]
        if name == "Q1":
            return [operation.body({"handle": handle}) for handle in self.handles]
        if name == "Q3":
            return [operation.body({"slug": slug}) for slug in self.slugs]
        return [operation.body()]
