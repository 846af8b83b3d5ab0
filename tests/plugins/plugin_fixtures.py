"""Fixtures for the plugin host tests (loaded with ``pytest_plugins``): loose plugin files and
small county workbooks, all real."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from minsheng.plugins import PluginHost


@pytest.fixture
def plugins_dir(tmp_path: Path):
    """A folder of loose plugin files: ``plugins_dir.add("name", source)`` writes one."""

    class Dir:
        path = tmp_path / "plugins"

        def add(self, name: str, source: str) -> Path:
            self.path.mkdir(exist_ok=True)
            target = self.path / f"{name}.py"
            target.write_text(textwrap.dedent(source), encoding="utf-8")
            return target

    Dir.path.mkdir()
    return Dir()


@pytest.fixture
def county_file(minsheng_workbook):
    """A county workbook with one sheet ``sheet``: B1 the county code, B2 the value of 1.1."""

    def make(sheet: str, county: str = "360102", value: object = 1200, name: str | None = None) -> Path:
        return minsheng_workbook({sheet: [["县级代码", county], ["1.1", value]]}, name=name)

    return make


@pytest.fixture
def load(plugins_dir, monkeypatch):
    """Load a host from ``plugins_dir`` only (no built-in or installed plugins), env cleared."""
    for var in ("MINSHENG_STRICT_PLUGINS", "MINSHENG_BLOCK_PLUGINS", "MINSHENG_TRACE_PLUGINS"):
        monkeypatch.delenv(var, raising=False)

    def make(**kwargs) -> PluginHost:
        kwargs.setdefault("defaults", False)
        kwargs.setdefault("entry_points", False)
        return PluginHost.load(plugins_dir.path, **kwargs)

    return make
