"""The benchmarked GraphQL operations, and the request bodies that exercise them."""

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

Q4 = """query Q4($id: ID!) {
  node(id: $id) {
    ... on ForumThread {
      id title body tags createdAt
      author { handle name }
      posts(first: 50) {
        totalCount
        edges { cursor node { id body createdAt score author { handle name headline } } }
        pageInfo { hasNextPage endCursor }
      }
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
    "Q4": Operation("Q4", Q4, "a forum thread page: the thread and its first 50 replies"),
}


@dataclass(frozen=True)
class Inputs:
    """Realistic variable values to rotate over: engineer handles, chapter slugs and the global
    IDs of public forum threads."""

    handles: Sequence[str]
    slugs: Sequence[str]
    threads: Sequence[str] = ()

    def bodies(self, name: str) -> list[bytes]:
        """Every request body the load generator cycles through for operation `name`."""
        operation = OPERATIONS[name]
        if name == "Q1":
            return [operation.body({"handle": handle}) for handle in self.handles]
        if name == "Q3":
            return [operation.body({"slug": slug}) for slug in self.slugs]
        if name == "Q4":
            return [operation.body({"id": thread}) for thread in self.threads]
        return [operation.body()]
