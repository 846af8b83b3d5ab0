"""docs/toolkit.md stays true: every public name of minsheng.sheets, minsheng.plugins and
minsheng.testing (their ``__all__``) has an entry, no entry names something that does not
exist, a function's entry gives its parameters as they are, every entry has an example, and the
examples run (the plain ones in one namespace after the sample workbook is written; the pytest
ones as a real pytest run)."""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "toolkit.md"
MODULES = ("minsheng.sheets", "minsheng.plugins", "minsheng.testing")
SECTION = re.compile(r"^## `(minsheng\.\w+)`", re.M)
ENTRY = re.compile(r"^#### (.+?)\s*$", re.M)
FILE = re.compile(r"<!-- toolkit-ref-file: (\S+) -->\n```python\n(.*?)```", re.S)
BLOCK = re.compile(r"(<!-- (?:pytest|toolkit-ref-file: \S+) -->\n)?```python\n(.*?)```", re.S)


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def entries() -> dict[str, dict[str, tuple[str, str]]]:
    """module → name → (the heading, the entry's text)."""
    text = doc()
    sections = list(SECTION.finditer(text))
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for i, s in enumerate(sections):
        body = text[s.end() : sections[i + 1].start() if i + 1 < len(sections) else len(text)]
        heads = list(ENTRY.finditer(body))
        found = out.setdefault(s.group(1), {})
        for j, h in enumerate(heads):
            entry = body[h.end() : heads[j + 1].start() if j + 1 < len(heads) else len(body)]
            heading = h.group(1).strip("`")
            names = heading.split("(")[0]
            for name in names.split("、"):
                assert name.strip("`") not in found, f"{s.group(1)}.{name} has two entries"
                found[name.strip("`")] = (heading, entry)
    return out


def documented_params(heading: str) -> list[str] | None:
    if "(" not in heading:
        return None
    inside = heading[heading.index("(") + 1 : heading.rindex(")")]
    return [p.strip() for p in inside.split(",") if p.strip()]


def real_params(obj: object) -> list[str]:
    out: list[str] = []
    kw_only = False
    for p in inspect.signature(obj).parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            out.append(f"*{p.name}")
            kw_only = True
        elif p.kind is p.KEYWORD_ONLY and not kw_only:
            out.extend(["*", p.name])
            kw_only = True
        elif p.kind is p.VAR_KEYWORD:
            out.append(f"**{p.name}")
        else:
            out.append(p.name)
    return out


@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_has_an_entry_and_every_entry_exists(module):
    names = set(importlib.import_module(module).__all__)
    documented = set(entries().get(module, {}))
    assert sorted(names - documented) == [], f"docs/toolkit.md has no entry for these names of {module}"
    assert sorted(documented - names) == [], f"docs/toolkit.md documents names {module} does not export"


@pytest.mark.parametrize("module", MODULES)
def test_no_public_function_or_class_is_left_out_of_all(module):
    """A function or class of minsheng the module offers without an underscore is in ``__all__``
    (so it gets an entry here): a helper added later cannot stay undocumented."""
    mod = importlib.import_module(module)
    offered = {
        name
        for name, obj in vars(mod).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", "").startswith("minsheng")
    }
    assert sorted(offered - set(mod.__all__)) == [], f"{module}: public names missing from __all__"


@pytest.mark.parametrize("module", MODULES)
def test_entries_give_signature_return_and_example(module):
    mod = importlib.import_module(module)
    for name, (heading, text) in entries()[module].items():
        obj = getattr(mod, name)
        if inspect.isfunction(obj):
            assert documented_params(heading) == real_params(obj), f"{module}.{name}: heading {heading!r}"
            assert "返回" in text, f"{module}.{name}: the entry does not say what it returns"
        assert "```python" in text, f"{module}.{name}: the entry has no example"


def test_members_named_in_the_reference_exist():
    """`Table.column`, `PluginHost.read`…: every ``Class.member`` the reference names exists."""
    for module, found in entries().items():
        mod = importlib.import_module(module)
        for name in found:
            obj = getattr(mod, name)
            if not inspect.isclass(obj):
                continue
            for member in re.findall(rf"`{name}\.(\w+)", doc()):
                assert hasattr(obj, member) or member in getattr(obj, "__annotations__", {}), (
                    f"docs/toolkit.md names {name}.{member}, which does not exist"
                )


def write_files(tmp_path: Path) -> None:
    files = FILE.findall(doc())
    assert [name for name, _ in files] == ["toolkit_sample.py", "plugins/shili.py"]
    for name, body in files:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")


def test_the_examples_run(tmp_path, monkeypatch):
    write_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    namespace: dict = {}
    blocks = [body for marker, body in BLOCK.findall(doc()) if not marker]
    assert len(blocks) > 60
    try:
        for i, block in enumerate(blocks):
            exec(compile(block, f"docs/toolkit.md#example-{i + 1}", "exec"), namespace)
    finally:
        if "book" in namespace:
            namespace["book"].close()
    sys.modules.pop("toolkit_sample", None)


def test_the_pytest_examples_pass(tmp_path):
    write_files(tmp_path)
    tests = [body for marker, body in BLOCK.findall(doc()) if marker.startswith("<!-- pytest")]
    assert len(tests) >= 4
    (tmp_path / "test_reference_examples.py").write_text("\n\n".join(tests), encoding="utf-8")
    n = sum(len(re.findall(r"^def test_", t, re.M)) for t in tests)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_reference_examples.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert f"{n} passed" in ran.stdout
