"""pytest fixtures for county plugin authors.

Installed with minsheng as the pytest plugin ``minsheng`` (entry point group ``pytest11``), so a
plugin package's tests can use them without importing anything::

    def test_reads_sample(tmp_path, read_with_plugin):
        result = read_with_plugin(make_sample(tmp_path / "a.xlsx"), "wanan")
        assert result.problems == ()

Fixtures: ``minsheng_scheme`` (the built-in scheme), ``minsheng_host`` (the installed plugins),
``minsheng_workbook`` (write a small .xlsx from rows), ``read_with_plugin`` (match and read one
file, checking that the expected plugin won it). Importing this module loads only pytest;
minsheng's plugin host and openpyxl load when a fixture is first used.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .model import Scheme
    from .plugins import PluginHost, ReadResult

DEFAULT_YEAR = 2007


@pytest.fixture
def minsheng_scheme() -> Scheme:
    """The built-in scheme ``jiangxi-2007``."""
    from .scheme import load_scheme

    return load_scheme("jiangxi-2007")


@pytest.fixture
def minsheng_host() -> PluginHost:
    """A plugin host with the built-in and installed plugins (as ``minsheng assess`` loads them).

    The environment variables ``MINSHENG_STRICT_PLUGINS``, ``MINSHENG_BLOCK_PLUGINS`` and
    ``MINSHENG_TRACE_PLUGINS`` apply as usual.
    """
    from .plugins import PluginHost

    return PluginHost.load()


@pytest.fixture
def minsheng_workbook(tmp_path: Path) -> Callable[..., Path]:
    """Write a small real .xlsx workbook: ``make({"表1": [["标题"], ["1.1", 120]]}, name="x.xlsx")``.

    ``merged`` maps sheet names to ranges to merge (``{"表1": ["A1:D1"]}``). Returns the path.
    """
    counter = {"n": 0}

    def make(
        sheets: Mapping[str, Sequence[Sequence[Any]]],
        name: str | None = None,
        *,
        merged: Mapping[str, Sequence[str]] | None = None,
    ) -> Path:
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
            for ref in (merged or {}).get(title, ()):
                sheet.merge_cells(ref)
        counter["n"] += 1
        path = tmp_path / (name or f"workbook-{counter['n']}.xlsx")
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)
        return path

    return make


@pytest.fixture
def read_with_plugin(minsheng_scheme: Scheme) -> Callable[..., ReadResult]:
    """Read one county file as a run would: ``read(path, "wanan")`` → :class:`ReadResult`.

    With a plugin name, the test fails unless that plugin wins the file (so the claim is tested
    too); pass ``match=False`` to skip matching. ``plugins_dir`` loads loose ``.py`` plugins;
    ``year`` and ``scheme`` default to 2007 and the built-in scheme.
    """
    from .plugins import PluginHost

    def read(
        path: str | os.PathLike[str],
        plugin: str | None = None,
        *,
        year: int = DEFAULT_YEAR,
        scheme: Scheme | None = None,
        plugins_dir: str | os.PathLike[str] | None = None,
        match: bool = True,
    ) -> ReadResult:
        host = PluginHost.load(plugins_dir)
        loaded = [info.name for info in host.plugins()]
        if plugin is not None and plugin not in loaded:
            pytest.fail(
                f"plugin {plugin!r} is not loaded (loaded: {loaded}); load problems: {list(host.problems)}"
            )
        if match or plugin is None:
            found = host.claim(path)
            if found.plugin is None:
                pytest.fail(f"no plugin won {path}: {list(found.problems)}")
            if plugin is not None and found.plugin != plugin:
                pytest.fail(f"{path} went to plugin {found.plugin!r}, not {plugin!r}; claims: {found.claims}")
            plugin = found.plugin
        assert plugin is not None
        return host.read(path, plugin, scheme or minsheng_scheme, year)

    return read
