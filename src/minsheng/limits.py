"""Limits on what one county file may cost: size, shape, nesting, time and memory.

County files are untrusted (see docs/security.md). A :class:`Limits` value says how much one file
may take; :func:`minsheng.sheets.open_workbook` checks the size and shape limits before it parses
anything (the zip central directory, then a streaming scan of each XML part), and
:func:`minsheng.guard.read_county_file_guarded` enforces the time and memory budget around the
whole read, plugin included.

The defaults fit the largest real county files (a roster of a few hundred thousand people) with
room to spare, and stop what no spreadsheet program writes. They can be changed per run::

    Limits(time_budget=30, memory_budget=512 << 20)
    Limits.from_env()          # MINSHENG_LIMITS="time_budget=30,memory_budget=512M" (the CLI's way)

Nothing here imports openpyxl, calamine or the plugin host.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from attrs import field, fields, frozen, validators

#: The environment variable :meth:`Limits.from_env` reads: ``name=value`` pairs, comma-separated.
LIMITS_ENV = "MINSHENG_LIMITS"

_SUFFIXES = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
_positive: Any = validators.gt(0)  # for the int and the float limits alike


@frozen
class Limits:
    """How much one county file may cost. Every limit is a positive number; sizes are in bytes.

    Checked before parsing (by :func:`minsheng.sheets.open_workbook`):

    - ``max_file_bytes``: the file's size on disk. Protects memory (an .xls is read whole) and
      time. 64 MiB is several times the largest real county workbook.
    - ``max_uncompressed``: the sum of the uncompressed sizes of a zip-based workbook's
      members (.xlsx, .xlsm, .ods), read from the zip's central directory without
      decompressing; the scan of the XML parts also stops at the real size. Protects against
      zip bombs (a 1.5 MB file that inflates to 1.5 GB took calamine 1.5 GB of memory).
    - ``max_ratio``: uncompressed ÷ compressed size of the whole zip, checked once the
      uncompressed total passes ``ratio_floor`` (small files may compress well). Ordinary
      workbooks compress 5–20 times; bombs, hundreds to thousands of times.
    - ``max_members``: the number of zip members (a workbook has a few dozen).
    - ``max_rows``, ``max_cols``, ``max_cells``: the shape of one sheet, checked against the
      declared dimension (``<dimension ref=…>``), against the cell references the sheet's XML
      really holds (a lying dimension either way), and again against what was read. Protects
      memory: the reader builds a dense grid from A1 to the farthest cell, so one cell at
      ``ZZ1000000`` would mean 700 million cells.
    - ``max_xml_depth``: element nesting in any XML part. Protects parsers that recurse (and
      the freeing of deep element trees) from a stack overflow.

    Enforced around the whole read of one file, plugin included (by :mod:`minsheng.guard`):

    - ``time_budget``: wall-clock seconds for reading one file; a file or plugin that takes
      longer is stopped and its county is 出错 (``time-budget``).
    - ``memory_budget``: bytes of memory the read may add to the process it runs in (an
      address-space limit on the child process the read runs in); beyond it the read is
      stopped and its county is 出错 (``memory-budget``).
    """

    max_file_bytes: int = field(default=64 << 20, validator=_positive)
    max_uncompressed: int = field(default=256 << 20, validator=_positive)
    max_ratio: float = field(default=100.0, validator=_positive)
    ratio_floor: int = field(default=16 << 20, validator=_positive)
    max_members: int = field(default=1000, validator=_positive)
    max_rows: int = field(default=1_048_576, validator=_positive)
    max_cols: int = field(default=16_384, validator=_positive)
    max_cells: int = field(default=5_000_000, validator=_positive)
    max_xml_depth: int = field(default=1000, validator=_positive)
    time_budget: float = field(default=60.0, validator=_positive)
    memory_budget: int = field(default=1 << 30, validator=_positive)

    @classmethod
    def from_mapping(cls, values: Mapping[str, object], base: Limits | None = None) -> Limits:
        """``base`` (default: the defaults) with the named limits changed.

        Values may be numbers or strings; sizes accept a K, M or G suffix (binary: ``512M``).
        Raises ``ValueError`` (with a Chinese message) for an unknown name or a bad value.
        """
        base = base or cls()
        known = {f.name: f for f in fields(cls)}
        changes: dict[str, object] = {}
        for name, raw in values.items():
            key = name.strip().replace("-", "_")
            if key not in known:
                raise ValueError(f"未知的限制“{name}”；可用的限制：{'、'.join(known)}。")
            kind = float if known[key].type in (float, "float") else int
            changes[key] = _number(name, raw, kind)
        try:
            return cls(**{**{f: getattr(base, f) for f in known}, **changes})
        except ValueError as exc:
            raise ValueError(f"限制的值必须是正数：{exc}") from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults changed by ``MINSHENG_LIMITS`` (``time_budget=30,memory_budget=512M``)."""
        return cls.parse((os.environ if environ is None else environ).get(LIMITS_ENV, ""), where=LIMITS_ENV)

    @classmethod
    def parse(cls, text: str, base: Limits | None = None, *, where: str = "限制") -> Limits:
        """``base`` (default: the defaults) changed by ``名称=值`` pairs separated by commas, as
        ``MINSHENG_LIMITS`` and ``minsheng assess --limits`` write them. Raises ``ValueError``
        (Chinese message; ``where`` names the setting) for a malformed pair, a name or a value."""
        pairs: dict[str, str] = {}
        for part in text.strip().split(","):
            if not part.strip():
                continue
            name, sep, value = part.partition("=")
            if not sep:
                raise ValueError(f"{where} 应写成 名称=值，用逗号分隔（如 time_budget=30），而不是“{part}”。")
            pairs[name.strip()] = value.strip()
        return cls.from_mapping(pairs, base) if pairs else (base or cls())

    def describe(self) -> dict[str, object]:
        """The limits as a plain dict (for reports and JSON)."""
        return {f.name: getattr(self, f.name) for f in fields(type(self))}


def _number(name: str, raw: object, kind: type) -> int | float:
    if isinstance(raw, bool):
        raise ValueError(f"限制“{name}”的值应为数字，而不是 {raw!r}。")
    if isinstance(raw, int | float):
        return kind(raw)
    text = str(raw).strip().lower().replace("_", "")
    scale = 1
    if text[-1:] == "b":
        text = text[:-1]
    if text[-1:] in _SUFFIXES:
        scale = _SUFFIXES[text[-1]]
        text = text[:-1]
    try:
        value = float(text) * scale
    except ValueError:
        raise ValueError(f"限制“{name}”的值应为数字（大小可带 K、M、G），而不是“{raw}”。") from None
    return kind(value)


def current() -> Limits:
    """The limits of a workbook opened without any: the defaults.

    A run passes its :class:`Limits` explicitly to every read (see :func:`minsheng.assess`); the
    environment variable ``MINSHENG_LIMITS`` is read by the command line only (:meth:`Limits.from_env`).
    """
    return Limits()


def require_defusedxml() -> None:
    """Fail closed when openpyxl would parse XML without defusedxml.

    openpyxl guards against XML bombs only when defusedxml is importable and
    ``OPENPYXL_DEFUSEDXML`` is not ``False``; a plugin reading a county file with openpyxl would
    otherwise expand entities. Raises :class:`UnsafeXmlParser` then. openpyxl is not imported
    here: when it is not loaded yet, the same test openpyxl makes at import is made here.
    """
    import sys

    loaded = sys.modules.get("openpyxl.xml")
    if loaded is not None:
        safe = bool(getattr(loaded, "DEFUSEDXML", False))
    else:  # decide as openpyxl will when it is imported, without importing it (it is slow)
        try:
            import defusedxml  # noqa: F401
        except ImportError:
            safe = False
        else:
            safe = os.environ.get("OPENPYXL_DEFUSEDXML", "True") == "True"
    if not safe:
        raise UnsafeXmlParser(
            "openpyxl 会在没有 defusedxml 保护的情况下解析 XML（未安装 defusedxml，或设置了 "
            "OPENPYXL_DEFUSEDXML=False），读取各县文件不安全，已拒绝；请安装 defusedxml 并去掉该环境变量。"
        )


class UnsafeXmlParser(RuntimeError):
    """openpyxl would parse county files without defusedxml (see :func:`require_defusedxml`)."""


__all__ = ["LIMITS_ENV", "Limits", "UnsafeXmlParser", "current", "require_defusedxml"]
