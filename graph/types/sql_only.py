"""Fields the compiled read path answers and strawberry never resolves.

A node type's fields are read by SQL compiled from the type's declaration (graph/reads/):
every object of a type `node(id:)` serves is completed by graph.compiler.objects wherever
strawberry's executor meets it — a query's, a mutation's payload, a subscription's event
(graph.subscriptions.execution). The strawberry type keeps what the schema needs from such a
field (its name, type, arguments and description) and nothing else:

    chapter: ChapterRef | None = sql_field(description="The chapter of a chapter category.")

    @strawberry.field(description="Threads of the category, pinned ones first.")
    def threads(self, first: First = None, ...) -> Connection["ForumThread"]:
        raise unserved()

Reaching one is a bug (an object the executor did not hand to the compiled path): it raises,
and the client sees an INTERNAL error rather than a silently wrong answer.
"""

from typing import Any, NoReturn

import strawberry


class Unserved(RuntimeError):
    """A field the compiled read path answers was asked of strawberry."""


def unserved() -> Unserved:
    """The error a field declared for the schema only raises when strawberry reaches it."""
    return Unserved(
        "This field is read by SQL compiled from its type's declaration (graph/reads/); "
        "strawberry cannot resolve it."
    )


def _unserved(root: Any, info: strawberry.Info) -> NoReturn:
    raise unserved()


def sql_field(*, description: str, **options: Any) -> Any:
    """A field without arguments that only the compiled read path answers: the class
    annotation gives its type, `description` its documentation (`options` as strawberry.field
    takes them: name, deprecation_reason, directives)."""
    return strawberry.field(description=description, resolver=_unserved, **options)
