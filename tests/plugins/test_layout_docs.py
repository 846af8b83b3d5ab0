"""docs/plugins.md chapter 11 (the layouts counties send) runs as written: the sample writer makes
a real .xlsx and a real .xls, each layout's plugin reads its file with at most 40 lines of reading
code, and the printed output is the one the guide shows."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from plugin_helpers import run

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
PLUGINS = ["plugins/nanchang.py", "plugins/xinjian.py", "plugins/anyi.py"]


def layout_files() -> list[tuple[str, str]]:
    return re.findall(
        r"<!-- layout-file: (\S+) -->\n```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S
    )


def reading_lines(body: str) -> int:
    """Lines of code of a plugin: no blank lines, comments or the module docstring."""
    body = re.sub(r'^""".*?"""\n', "", body, flags=re.S)
    return sum(1 for line in body.splitlines() if line.strip() and not line.strip().startswith("#"))


def test_each_layout_plugin_is_at_most_40_lines_of_reading_code():
    files = dict(layout_files())
    assert [name for name in files if name.startswith("plugins/")] == PLUGINS
    for name in PLUGINS:
        assert "def minsheng_claim" in files[name] and "def minsheng_read" in files[name]
        assert reading_lines(files[name]) <= 40, name


def test_layout_chapter_runs_as_written(tmp_path):
    files = layout_files()
    assert [name for name, _ in files] == ["make_layout_samples.py", *PLUGINS]
    for name, body in files:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    text = DOC.read_text(encoding="utf-8")
    [(code, expected)] = re.findall(
        r"<!-- layout-run -->\n```python\n(.*?)```\n\n输出：\n\n```text\n(.*?)```", text, re.S
    )
    ran = run([sys.executable, "-c", code], cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == expected
    # the quarterly form really is an .xls (an OLE2 compound file), the others .xlsx
    assert (tmp_path / "季报.xls").read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    assert (tmp_path / "乡镇汇总.xlsx").read_bytes()[:2] == b"PK"
