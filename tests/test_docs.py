"""The docs' examples are run, so they stay true."""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).parent.parent / "docs"


def python_blocks(name, *, before=None):
    """The python blocks of a doc, or of its part before the heading ``before``."""
    text = (DOCS / name).read_text(encoding="utf-8")
    if before is not None:
        assert f"\n{before}\n" in text, f"{name} has no heading {before!r}"
        text = text.split(f"\n{before}\n")[0]
    return re.findall(r"```python\n(.*?)```", text, re.S)


@pytest.mark.parametrize("name", ["api.md", "worked-example.md"])
def test_doc_examples_run(name, capsys, monkeypatch):
    monkeypatch.chdir(DOCS.parent)  # the examples name files from the repository's root
    blocks = python_blocks(name)
    assert blocks, f"{name} has no python example"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, f"docs/{name}", "exec"), namespace)


def test_api_scoring_example_runs(capsys):
    """api.md's scoring example alone: the fast part, which mutation testing runs for every mutant
    (`tox -e mutation` deselects the whole file's run above: its whole run reads real files and
    starts a Dask cluster, seconds a mutant)."""
    blocks = python_blocks("api.md", before="## The whole run")
    assert len(blocks) == 1
    exec(compile(blocks[0], "docs/api.md", "exec"), {})
    assert "南昌县 98.39 良好" in capsys.readouterr().out
