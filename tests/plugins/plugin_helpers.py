"""Helpers for the plugin host tests: plugin sources, subprocess runs (fixtures: plugin_fixtures)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
