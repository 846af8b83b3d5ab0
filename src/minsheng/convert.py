"""The plain-data form of the model, for other programs: dicts and JSON that round-trip.

Decimals become strings (``"12.50"``, never a binary float), dates ISO strings, enums their
values, tuples lists. ``unstructure``/``structure`` give dicts; ``to_json``/``from_json`` text.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, TypeVar

import cattrs

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=False)
converter.register_unstructure_hook(Decimal, str)
converter.register_structure_hook(Decimal, lambda v, _: v if isinstance(v, Decimal) else Decimal(str(v)))
converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())
converter.register_structure_hook(
    dt.date, lambda v, _: v if isinstance(v, dt.date) else dt.date.fromisoformat(v)
)


def unstructure(value: Any) -> Any:
    """The plain-data (JSON-ready) form of a model value."""
    return converter.unstructure(value)


def structure(data: Any, cls: type[T]) -> T:
    """A model value from its plain-data form."""
    return converter.structure(data, cls)


def to_json(value: Any, *, indent: int | None = 1) -> str:
    """Deterministic JSON text (keys in model order, Chinese kept as is)."""
    return json.dumps(unstructure(value), ensure_ascii=False, indent=indent)


def from_json(text: str, cls: type[T]) -> T:
    return structure(json.loads(text), cls)
