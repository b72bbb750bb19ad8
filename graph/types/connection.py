"""Relay connections: generic page types with keyset cursors and a lazy `totalCount`."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Generic, TypeVar

import strawberry

from graph.pagination import MAX_PAGE_SIZE

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Return the first n items (1–{MAX_PAGE_SIZE}); or use `last`."
    ),
]
After = Annotated[
    str | None, strawberry.argument(description="Return items after this cursor (with `first`).")
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description=f"Return the last n items (1–{MAX_PAGE_SIZE}); or use `first`."
    ),
]
Before = Annotated[
    str | None, strawberry.argument(description="Return items before this cursor (with `last`).")
]


@strawberry.federation.type(
    description="Where a page sits in its list (Relay `PageInfo`).", shareable=True
)
class PageInfo:
    """Flags and boundary cursors of one page."""

    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="More items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item on the page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item on the page.")


@strawberry.type(description="One item of a page and the cursor pointing at it.")
class Edge(Generic[NodeT]):
    """An item with its cursor."""

    cursor: str = strawberry.field(description="Opaque cursor; pass it to `after`/`before`.")
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(
    description="A page of a list, paged with opaque keyset cursors (Relay connection)."
)
class Connection(Generic[NodeT]):
    """A page of items plus paging state; the total is counted only when asked for."""

    edges: list[Edge[NodeT]] = strawberry.field(description="The items of this page with cursors.")
    nodes: list[NodeT] = strawberry.field(description="The items of this page, without cursors.")
    page_info: PageInfo = strawberry.field(description="Paging state of this page.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Number of items in the whole list, across all pages.")
    async def total_count(self) -> int:
        """Counted on demand, batched across sibling connections."""
        return await self.count()


