"""No absolute path of the office's machine in any output: file names relative to the submissions folder.

The pipeline records the path each county file was read from, and plugins put it into every value's
provenance and every problem. Before an assessment is written (workbook or JSON),
:func:`relative_paths` rewrites every such path relative to the submissions folder(s) it was found
under; a file outside them (the targets workbook, say) keeps only its name.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Any, TypeVar

import attrs

T = TypeVar("T")
PATH_FIELDS = frozenset({"file", "path"})  # Provenance.file, Problem.file, InputFile.path


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")


def is_url(value: object) -> bool:
    """Whether ``value`` is a URL (``file://…``, ``s3://…``) rather than a path of this machine."""
    return isinstance(value, str) and _URL.match(value) is not None


def relative_path(path: str, roots: Sequence[str | Path]) -> str:
    """``path`` relative to the first of ``roots`` holding it (as ``南昌市/x.xlsx``); else its name.

    A path that is already relative is kept as it is. A URL is made relative to a URL root the
    same way (``file:///srv/报表/南昌市/x.xlsx`` under ``file:///srv/报表`` → ``南昌市/x.xlsx``).
    """
    if is_url(path):
        for root in roots:
            r = str(root).rstrip("/")
            if is_url(r) and path.startswith(r + "/"):
                return path[len(r) + 1 :]
        return path.rstrip("/").rsplit("/", 1)[-1]
    p = PurePath(path)
    if not p.is_absolute():
        return path
    for root in roots:
        if is_url(root):
            continue
        base = PurePath(os.path.abspath(root))
        if p == base:
            return p.name
        if base in p.parents:
            return p.relative_to(base).as_posix()
    return p.name


def common_root(paths: Sequence[str]) -> str | None:
    """The deepest folder holding every absolute path in ``paths`` (None when there is none)."""
    absolute = [os.path.dirname(p) for p in paths if PurePath(p).is_absolute()]
    if not absolute:
        return None
    try:
        return os.path.commonpath(absolute)
    except ValueError:  # different drives
        return None


def relative_paths(value: T, roots: Sequence[str | Path] | None = None) -> T:
    """``value`` (an Assessment, or any model value) with every file path relative to ``roots``.

    Without ``roots``, the folder common to the assessment's input files is used, so that a
    workbook written from an assessment that still holds absolute paths shows none of them.
    """
    if roots is None:
        inputs = getattr(value, "inputs", ())
        root = common_root([f.path for f in inputs])
        roots = [root] if root else []
    return _walk(value, tuple(roots))


def _walk(value: Any, roots: tuple[str | Path, ...]) -> Any:
    if attrs.has(type(value)):
        changes = {}
        for f in attrs.fields(type(value)):
            old = getattr(value, f.name)
            if f.name in PATH_FIELDS and isinstance(old, str):
                new = relative_path(old, roots)
            else:
                new = _walk(old, roots)
            if new is not old:
                changes[f.name] = new
        return attrs.evolve(value, **changes) if changes else value
    if isinstance(value, tuple):
        items = tuple(_walk(v, roots) for v in value)
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, list):
        return [_walk(v, roots) for v in value]
    if isinstance(value, dict):
        out = {k: _walk(v, roots) for k, v in value.items()}
        return out if any(out[k] is not value[k] for k in value) else value
    return value
