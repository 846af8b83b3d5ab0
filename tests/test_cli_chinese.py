"""click's own words reach the user in Chinese: usage errors, --help boilerplate, metavars."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from minsheng.cli import _chinese

CLICK = Path(click.__file__).parent


def click_messages() -> tuple[set[str], set[tuple[str, str]]]:
    """Every literal message the installed click passes to gettext (``_``) and ``ngettext``."""
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for path in sorted(CLICK.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and len(texts) == 1:
                singles.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) == 2:
                plurals.add((texts[0], texts[1]))
    return singles, plurals


#: messages a user of minsheng never sees (Windows console, shell completion, the editor, a plugin
#: author's programming errors raised while click builds a command)
NOT_SHOWN = re.compile(
    r"Windows error|Bash|Editing failed|Unknown color|Unknown standard stream|DeprecationWarning|"
    r"defined twice|parameter declaration|Could not determine name|No options defined|same flag|^d$"
)


def test_every_message_of_the_installed_click_has_its_chinese():
    singles, plurals = click_messages()
    assert len(singles) > 40 and plurals, "the scan found click's messages"
    missing = sorted(m for m in singles if m not in _chinese.MESSAGES and not NOT_SHOWN.search(m))
    assert missing == [], f"click messages without Chinese in minsheng/cli/_chinese.py: {missing}"
    assert sorted(plurals - set(_chinese.PLURALS)) == []


def test_every_translation_keeps_the_fields_click_fills_in():
    """A translation may drop a field click fills in (the plural forms), never ask for a new one."""
    field = re.compile(r"\{(\w+)(?:![rsa])?\}")
    for message, chinese in _chinese.MESSAGES.items():
        assert set(field.findall(chinese)) <= set(field.findall(message)), message
    for (one, many), chinese in _chinese.PLURALS.items():
        assert set(field.findall(chinese)) <= set(field.findall(one)) | set(field.findall(many)), one


def minsheng(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "minsheng", *args], capture_output=True, text=True, timeout=120
    )


ENGLISH = re.compile(
    r"Usage:|Options|Commands|Show this message|Error:|Missing|No such|Invalid value|is not one of|"
    r"\[required\]|\[default|Try '|for help|Aborted|TEXT|INTEGER|PATH|FILE|DIRECTORY|\[OPTIONS\]"
)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["assess", "--help"],
        ["validate", "--help"],
        ["template", "--help"],
        ["scheme", "--help"],
        ["assess"],
        ["nosuch"],
        ["assess", "x", "--missing", "foo"],
        ["assess", "x", "--jobs", "0"],
        ["assess", "x", "--bogus"],
        ["assess", "x", "--targets"],
    ],
    ids=" ".join,
)
def test_what_click_prints_is_chinese(args):
    r = minsheng(*args)
    text = r.stdout + r.stderr
    assert r.returncode in (0, 2), text
    english = ENGLISH.findall(text)
    assert english == [], f"English in `minsheng {' '.join(args)}`: {english}\n{text}"
    if r.returncode == 2:
        assert "错误：" in r.stderr


def test_scheme_show_explains_every_rule_in_chinese():
    r = minsheng("scheme", "show")
    assert r.returncode == 0, r.stderr
    for words in (
        "按完成比例",
        "超额加分",
        "上限（越低越好）",
        "达标",
        "扣分",
        "一票否决",
        "只统计",
        "别名：",
    ):
        assert words in r.stdout, words
    assert "每超过目标 10% 加 0.5 分，最多 2 分" in r.stdout  # 5.1's bonus, with the numbers one may edit
    assert "每 1天 扣 0.5 分" in r.stdout and "不取县里填报的数" in r.stdout  # 6.2, the office's finding
