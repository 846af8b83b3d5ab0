"""Helpers for the plugin host tests: loose plugin files and small county workbooks, all real."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from minsheng.plugins import PluginHost

#: A plugin that claims workbooks having a sheet named SHEET and reads B1 (county) and B2 (1.1).
READER = """\
from minsheng import Submission
from minsheng.plugins import hookimpl
from minsheng.sheets import parse_number

SHEET = {sheet!r}


@hookimpl
def minsheng_claim(path, book):
    return {confidence} if SHEET in book.sheet_names else None


@hookimpl
def minsheng_read(path, book, context):
    sheet = book.sheet(SHEET)
    value = parse_number(
        sheet.cell("B2"), "人", provenance=context.provenance(SHEET, "B2"), problems=context.problems
    )
    return Submission(county=sheet.cell("B1").text, year=context.year, values={{"1.1": value}})
"""


def reader_source(sheet: str, confidence: float = 0.9) -> str:
    return READER.format(sheet=sheet, confidence=confidence)


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


def run(args: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: int = 300):
    """Run a command in a real subprocess with this interpreter's environment plus ``env``."""
    full = dict(os.environ)
    for var in ("MINSHENG_STRICT_PLUGINS", "MINSHENG_BLOCK_PLUGINS", "MINSHENG_TRACE_PLUGINS"):
        full.pop(var, None)
    full.update(env or {})
    return subprocess.run(args, capture_output=True, text=True, env=full, cwd=cwd, timeout=timeout)


def minsheng_cli(*args: str, **kwargs):
    """Run the ``minsheng`` command line in a subprocess (this interpreter, so this install)."""
    return run([sys.executable, "-c", "from minsheng.cli import main; main()", *args], **kwargs)


def codes(problems) -> list[str]:
    return [p.code for p in problems]
