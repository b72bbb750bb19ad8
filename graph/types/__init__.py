"""Strawberry object types, one module per domain, built from ORM rows."""

# Registers the shared enums (with value descriptions) before any type refers to them.
from graph.types import enums as _enums  # noqa: F401
