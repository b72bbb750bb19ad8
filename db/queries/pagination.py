"""Keyset orderings (a total order ending with the primary key) and their cursor keys."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

KeyValue = str | int | bool | datetime | date | None


@dataclass(frozen=True)
class Ordering:
    """A total order: the named attributes, ending with the primary key, in one direction."""

    name: str
    attributes: tuple[str, ...]
    descending: bool = False

    def columns(self, model: Any) -> list[InstrumentedAttribute[Any]]:
        """The ordering's columns on `model` (a mapped class or an alias)."""
        return [getattr(model, attribute) for attribute in self.attributes]

    def parse_key(self, model: Any, values: Sequence[Any]) -> tuple[KeyValue, ...]:
        """Turn JSON-decoded cursor values back into column values; ValueError if they don't fit."""
        if len(values) != len(self.attributes):
            raise ValueError("cursor does not match this ordering")
        parsed: list[KeyValue] = []
        for column, value in zip(self.columns(model), values, strict=True):
            python_type = column.type.python_type
            if python_type is datetime:
                parsed.append(datetime.fromisoformat(value))
            elif python_type is date:
                parsed.append(date.fromisoformat(value))
            elif not isinstance(value, python_type) or isinstance(value, bool) != (
                python_type is bool
            ):
                raise ValueError("cursor value has the wrong type")
            else:
                parsed.append(value)
        return tuple(parsed)
