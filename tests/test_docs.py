"""The docs' examples are run, so they stay true."""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).parent.parent / "docs"


def python_blocks(name):
    return re.findall(r"```python\n(.*?)```", (DOCS / name).read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("name", ["api.md", "worked-example.md"])
def test_doc_examples_run(name, capsys, monkeypatch):
    monkeypatch.chdir(DOCS.parent)  # the examples name files from the repository's root
    blocks = python_blocks(name)
    assert blocks, f"{name} has no python example"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, f"docs/{name}", "exec"), namespace)
