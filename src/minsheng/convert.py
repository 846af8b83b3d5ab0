"""The plain-data form of the model, for other programs: dicts and JSON that round-trip.

Decimals become strings (``"12.50"``, never a binary float), dates ISO strings, enums their
values, tuples lists. A county's result also carries ``vetoed``
(ignored when read back). ``unstructure``/``structure`` give dicts; ``to_json``/``from_json`` text.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, TypeVar

import cattrs
from cattrs.gen import make_dict_unstructure_fn

from .model import CountyResult

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=False)
converter.register_unstructure_hook(Decimal, str)
converter.register_structure_hook(Decimal, lambda v, _: v if isinstance(v, Decimal) else Decimal(str(v)))
converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())
converter.register_structure_hook(
    dt.date, lambda v, _: v if isinstance(v, dt.date) else dt.date.fromisoformat(v)
)


_county_result_fields = make_dict_unstructure_fn(CountyResult, converter)


def _unstructure_county_result(result: CountyResult) -> dict[str, Any]:
    """A county's result with ``vetoed`` (一票否决) written out, so a program need not work it out."""
    return {**_county_result_fields(result), "vetoed": result.vetoed}


converter.register_unstructure_hook(CountyResult, _unstructure_county_result)


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
