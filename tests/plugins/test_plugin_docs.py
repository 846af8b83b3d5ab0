"""docs/plugins.md stays true: every hook documented with its signature and an example that
registers, every hook tested, and the tutorial runs as written."""

from __future__ import annotations

import inspect
import re
import sys
import types
from pathlib import Path

import pytest
from plugin_helpers import minsheng_cli, run

from minsheng.plugins import HOOKS, PluginHost, hookspecs

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "plugins.md"
HEADING = re.compile(r"^### (minsheng_\w+)\((.*)\)\s*$", re.M)


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def hook_sections() -> dict[str, tuple[list[str], str]]:
    """hook name → (documented parameters, the section's text)."""
    text = doc_text()
    matches = list(HEADING.finditer(text))
    sections = {}
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else text.find("\n## ", m.end())
        params = [p.strip() for p in m.group(2).split(",") if p.strip()]
        sections[m.group(1)] = (params, text[m.end() : end])
    return sections


def spec_params(name: str) -> list[str]:
    return list(inspect.signature(getattr(hookspecs, name)).parameters)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_signature(hook):
    sections = hook_sections()
    assert hook in sections, f"docs/plugins.md has no '### {hook}(...)' heading"
    documented, _ = sections[hook]
    assert documented == spec_params(hook), f"docs/plugins.md documents {hook}({', '.join(documented)})"


def test_no_documented_hook_is_unknown():
    assert set(hook_sections()) <= set(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_example_is_a_valid_hookimpl(hook):
    _, section = hook_sections()[hook]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, f"the {hook} section has no python example"
    module = types.ModuleType(f"doc_example_{hook}")
    prelude = (
        "from minsheng import Submission\n"
        "from minsheng.plugins import hookimpl\n"
        "from minsheng.sheets import parse_number\n"
    )
    exec(compile(prelude + blocks[0], f"docs/plugins.md#{hook}", "exec"), module.__dict__)
    host = PluginHost.load(defaults=False, entry_points=False, plugins=[("example", module)])
    assert host.problems == ()
    assert host.plugin("example").hooks == (hook,)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook):
    tests = "\n".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    assert re.search(rf"^def test_hook_{hook}\(", tests, re.M), f"no test_hook_{hook} in tests/plugins"


def test_tutorial_runs_as_written(tmp_path):
    text = doc_text()
    files = re.findall(r"<!-- file: (\S+) -->\n```python\n(.*?)```", text, re.S)
    assert [name for name, _ in files] == ["make_wanan_sample.py", "plugins/wanan.py", "test_wanan.py"]
    for name, body in files:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")

    [(code, expected)] = re.findall(
        r"<!-- run -->\n```python\n(.*?)```\n\n输出：\n\n```text\n(.*?)```", text, re.S
    )
    ran = run([sys.executable, "-c", code], cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == expected

    listed = minsheng_cli("plugins", "--plugins-dir", "plugins", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    shown = re.search(r"\$ minsheng plugins --plugins-dir plugins\n(.*?)```", text, re.S).group(1)
    wanan_lines = shown[shown.index("wanan") :]
    assert wanan_lines in listed.stdout

    tested = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_wanan.py"], cwd=tmp_path
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "2 passed" in tested.stdout


def test_toolkit_chapter_runs_as_written(tmp_path):
    text = doc_text()
    files = re.findall(r"<!-- toolkit-file: (\S+) -->\n```python\n(.*?)```", text, re.S)
    assert [name for name, _ in files] == ["make_toolkit_sample.py"]
    for name, body in files:
        (tmp_path / name).write_text(body, encoding="utf-8")
    runs = re.findall(r"<!-- toolkit-run -->\n```python\n(.*?)```\n\n输出：\n\n```text\n(.*?)```", text, re.S)
    assert len(runs) == 4
    for code, expected in runs:
        ran = run([sys.executable, "-c", code], cwd=tmp_path)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout == expected


def test_every_problem_code_of_the_host_is_documented():
    source = "".join(
        (ROOT / "src" / "minsheng" / "plugins" / name).read_text(encoding="utf-8")
        for name in ("host.py", "loading.py", "reading.py", "returns.py", "samples.py")
    )
    found = set(re.findall(r'Problem\(\s*"([a-z-]+)"', source))
    assert {
        "plugin-import-error",
        "plugin-error",
        "no-plugin",
        "ambiguous-plugin",
        "plugin-unknown-hook",
    } <= found
    text = doc_text()
    missing = sorted(code for code in found if f"`{code}`" not in text)
    assert missing == []
