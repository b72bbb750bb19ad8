"""The Relay `Node` interface every addressable object implements."""

import strawberry


@strawberry.interface(
    description="An object with a global, opaque ID; fetch any one with `node(id:)`."
)
class Node:
    """Base of every type that has a global ID."""

    id: strawberry.ID = strawberry.field(
        description="Global, opaque ID of the object. Stable; pass it to `node(id:)`."
    )
