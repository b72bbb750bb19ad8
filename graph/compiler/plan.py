"""The plan of one operation: a tree of response keys over the read mapping."""

from dataclasses import dataclass, field

from graphql import FieldNode, GraphQLField

from graph.compiler.declaration import Link, Paged, RootLookup, TypeMapping


class NotPlannable(Exception):
    """The operation needs Python resolvers somewhere; strawberry must run it."""


@dataclass(frozen=True)
class Arguments:
    """Where a field's arguments come from: its definition and AST, evaluated per request."""

    definition: GraphQLField
    node: FieldNode
    slot: int


@dataclass
class ObjectPlan:
    """The fields selected on one concrete object type, in response order."""

    type_name: str
    mapping: TypeMapping
    fields: list["FieldPlan"] = field(default_factory=list)


@dataclass(frozen=True)
class ScalarPlan:
    """A column or expression, masked to null unless the rule `visible_if` (if any) holds."""

    key: str
    sql: str
    visible_if: str | None = None


@dataclass(frozen=True)
class TypenamePlan:
    """`__typename` of a statically known type."""

    key: str
    type_name: str


@dataclass(frozen=True)
class EmbeddedPlan:
    """An object built from the same row."""

    key: str
    object: ObjectPlan
    visible_if: str | None = None


@dataclass(frozen=True)
class RelatedPlan:
    """A to-one (`many=False`) or plain list (`many=True`) relation, masked like a column."""

    key: str
    name: str
    link: Link
    object: ObjectPlan
    many: bool
    visible_if: str | None = None


@dataclass(frozen=True)
class PageInfoPlan:
    """The selected PageInfo fields: (response key, field name) pairs."""

    key: str
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class EdgesPlan:
    """The selected Edge fields: (response key, "cursor" | "node" | "__typename", node plan)."""

    key: str
    fields: tuple[tuple[str, str, ObjectPlan | None], ...]
    type_name: str


@dataclass(frozen=True)
class NodesPlan:
    """`nodes` of a connection."""

    key: str
    object: ObjectPlan


@dataclass(frozen=True)
class TotalCountPlan:
    """`totalCount` of a connection."""

    key: str


ConnectionPart = PageInfoPlan | EdgesPlan | NodesPlan | TotalCountPlan | TypenamePlan


@dataclass(frozen=True)
class ConnectionPlan:
    """A keyset-paged connection with what is selected on it."""

    key: str
    paged: Paged
    parts: tuple[ConnectionPart, ...]
    arguments: Arguments
    root_field: str | None = None
    depth: int = 0
    """How many steps up the response an error here nulls (graphql-core's null propagation:
    0 for a nullable field, one more for each non-null position above it)."""


@dataclass(frozen=True)
class PythonPlan:
    """A Python field (declaration.Python): the statement writes its parent's global ID, and
    graph.compiler.python_fields resolves it for the parents that reach it."""

    key: str
    index: int
    """Its position in OperationPlan.python."""
    type_name: str
    """The parent's type."""
    nodes: tuple[FieldNode, ...]
    """The field's nodes in the client's document (one response key)."""
    depth: int
    """Steps up from the field a null travels when the field is non-null and fails."""
    root_field: str | None
    """The root object field reaching the parent (`viewer`), or None: `nodes(ids:)`."""


FieldPlan = ScalarPlan | TypenamePlan | EmbeddedPlan | RelatedPlan | ConnectionPlan | PythonPlan


@dataclass(frozen=True)
class LookupPlan:
    """A root field returning one row found by a unique key (`engineer(handle:)`)."""

    key: str
    root_field: str
    object: ObjectPlan
    arguments: Arguments
    lookup: RootLookup


@dataclass(frozen=True)
class SingletonPlan:
    """A root field whose one object is built from the request (`viewer`)."""

    key: str
    object: ObjectPlan


@dataclass(frozen=True)
class ListPlan:
    """A root field returning every row of a small table (`sectors`)."""

    key: str
    object: ObjectPlan
    order: tuple[str, ...]


@dataclass(frozen=True)
class NodePlan:
    """`node(id:)` (`many=False`) or `nodes(ids:)`: one object plan per possible type."""

    key: str
    objects: dict[str, ObjectPlan]
    arguments: Arguments
    many: bool
    depth: int = 0
    """Steps up the response an error about the whole field nulls (as ConnectionPlan.depth)."""
    item_depth: int = 0
    """Steps up an error about one of `nodes`' IDs nulls (0: the item itself)."""


RootPlan = LookupPlan | ListPlan | SingletonPlan | NodePlan | ConnectionPlan | TypenamePlan


@dataclass(frozen=True)
class OperationPlan:
    """Every root field of a query, in response order, and the fields that take arguments."""

    roots: tuple[RootPlan, ...]
    owners: tuple["ConnectionPlan | LookupPlan | NodePlan", ...]
    """The plan node owning each argument slot, in slot order."""
    keys: tuple[str, ...] = ()
    """Every root response key in order, compiled or not."""
    residual: tuple[FieldNode, ...] = ()
    """Root fields strawberry must resolve (a mixed operation); empty when all compile."""
    python: tuple[PythonPlan, ...] = ()
    """The Python fields below compiled objects, by PythonPlan.index."""
