"""``minsheng new-plugin NAME``: a county plugin package whose own tests pass as generated.

The package reads a simple one-sheet layout (indicator code, name, unit, actual) that a county
adapts to its own workbook, and writes it (``minsheng_write_sample``); a sample-file maker writes a
matching workbook for the tests.
"""

from __future__ import annotations

import re
from pathlib import Path

NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")


class ScaffoldError(ValueError):
    """A plugin name or target directory that cannot be used (Chinese message)."""


def module_name(name: str) -> str:
    """The Python package of plugin ``name``: ``wan-an`` → ``minsheng_wan_an``."""
    return "minsheng_" + name.replace("-", "_")


def distribution_name(name: str) -> str:
    return "minsheng-" + name.replace("_", "-")


_PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist}"
version = "0.1.0"
description = "minsheng 县级插件：{name}（读取本县民生工程报表）"
requires-python = ">=3.11"
dependencies = ["minsheng"]

# minsheng 通过这个入口点找到插件；等号左边是插件名称。
[project.entry-points.minsheng]
{name} = "{module}"

# 测试所需：pip install -e ".[test]" 之后运行 python -m pytest
[project.optional-dependencies]
test = ["pytest>=8", "xlwt>=1.3", "ruff"]

[tool.setuptools.packages.find]
where = ["src"]

[tool.pytest.ini_options]
testpaths = ["tests"]

[tool.ruff]
line-length = 88

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP", "RUF"]
# 中文标点是报表和提示里的正文，不是“容易混淆的字符”
allowed-confusables = ["，", "：", "；", "（", "）", "！", "？", "–", "—"]
"""

_PLUGIN = '''\
"""minsheng 县级插件 {name}：把本县的民生工程报表读成 minsheng.Submission。

本县报表（按实际情况修改下面的常量）：
工作表“{sheet}”，A1 是标题，B2 是县级代码，第 3 行是表头，
从第 4 行起每行一个指标：A 列指标代码，B 列指标名称，C 列计量单位，D 列完成数。
只认领本县（COUNTY）的报表：别的县用同样的格式，由它们自己的插件读取，不会冲突。
"""

from __future__ import annotations

from minsheng import Severity, Submission
from minsheng.plugins import hookimpl
from minsheng.sheets import cell_ref, parse_number

COUNTY = "{county}"  # 本县行政区划代码
COUNTY_NAME = "{county_name}"
SHEET = "{sheet}"
TITLE = "民生工程目标完成情况表"
TITLE_CELL = "A1"
COUNTY_CELL = "B2"
FIRST_ROW = 4  # 第一个指标所在的行（从 1 数起）
CODE_COL, UNIT_COL, VALUE_COL = 0, 2, 3  # A、C、D 列（从 0 数起）


@hookimpl
def minsheng_claim(path, book):
    """是本县的报表就返回把握（0 到 1），不是就返回 None。"""
    if SHEET not in book.sheet_names:
        return None
    sheet = book.sheet(SHEET)
    if (
        TITLE not in sheet.cell(TITLE_CELL).text
        or sheet.cell(COUNTY_CELL).text != COUNTY
    ):
        return None
    return 0.9


@hookimpl
def minsheng_read(path, book, context):
    """逐行读取指标，换算到考核方案的计量单位，每个数都记下来源单元格。"""
    sheet = book.sheet(SHEET)
    county = sheet.cell(COUNTY_CELL).text
    values = {{}}
    for row in range(FIRST_ROW - 1, sheet.n_rows):
        code = sheet.cell(row, CODE_COL).text
        if not code:
            continue
        try:
            indicator = context.scheme.indicator(code)
        except KeyError:
            context.problem(
                "unknown-indicator",
                f"第 {{row + 1}} 行的指标代码“{{code}}”不在考核方案中，已忽略。",
                sheet=SHEET,
                cell=cell_ref(row, CODE_COL),
                severity=Severity.WARNING,
            )
            continue
        unit = sheet.cell(row, UNIT_COL).text or indicator.unit
        values[code] = parse_number(
            sheet.cell(row, VALUE_COL),
            unit,
            to_unit=indicator.unit,
            provenance=context.provenance(SHEET, cell_ref(row, VALUE_COL)),
            problems=context.problems,
        )
    return Submission(
        county=county,
        year=context.year,
        values=values,
        source=context.provenance(SHEET),
    )


@hookimpl
def minsheng_write_sample(path, submission, scheme):
    """把一份 Submission 写成本县格式的报表，供演示和测试（minsheng demo 用它）。

    数值用考核方案的计量单位；缺报留空，不考核写“—”；报表里没有的指标不写。
    path 以 .xls 结尾时写成 .xls（Excel 97-2003 格式），否则写 .xlsx。
    同样的输入写出逐字节相同的文件。返回写出的路径。
    """
    import datetime as dt

    from minsheng.samplefiles import write_workbook

    rows = [
        [COUNTY_NAME + TITLE],
        ["县级代码", submission.county],
        ["指标代码", "指标名称", "计量单位", "完成数"],
    ]
    for indicator in scheme.indicators:
        value = submission.values.get(indicator.code)
        if value is None:
            continue
        if value.is_reported:
            cell = value.amount
        elif value.status.value == "not-applicable":
            cell = value.raw or "—"
        else:
            cell = value.raw  # 缺报：留空（或原文），绝不写 0
        rows.append([indicator.code, indicator.name, indicator.unit, cell])
    day = (
        submission.submitted_on
        or submission.reporter.date
        or dt.date(submission.year + 1, 1, 1)
    )
    stamp = dt.datetime(day.year, day.month, day.day)
    return write_workbook(path, {{SHEET: rows}}, stamp=stamp)
'''

_SAMPLE = '''\
"""生成一份示例报表，格式与插件 {name} 读取的本县报表相同（.xlsx 或 .xls）。

用法：python tests/make_sample.py 示例报表.xlsx   （或 示例报表.xls）
"""

from __future__ import annotations

import sys

from minsheng.testing import write_workbook

from {module} import COUNTY, COUNTY_NAME, SHEET, TITLE

ROWS = [
    ("1.1", "城镇新增就业人数", "万人", 1.2),
    ("3.1", "城镇职业技能培训人数", "人", 3500),
    ("4.2", "年末仍无人就业的零就业家庭户数", "户", 0),
    ("5.1", "新增发放小额贷款", "亿元", 1.5),
    ("7.3", "城镇居民合作医疗参保人数", "人", "—"),
]


def make_sample(path, county=COUNTY):
    """把示例报表写到 path（后缀 .xlsx 或 .xls），返回路径。"""
    rows = [
        [COUNTY_NAME + TITLE],
        ["县级代码", county],
        ["指标代码", "指标名称", "计量单位", "完成数"],
        *[list(row) for row in ROWS],
    ]
    return write_workbook(path, {{SHEET: rows}})


if __name__ == "__main__":
    print(make_sample(sys.argv[1] if len(sys.argv) > 1 else "sample.xlsx"))
'''

_TESTS = '''\
"""插件 {name} 的测试：pytest 即可运行（fixtures 来自 minsheng.testing）。"""

from decimal import Decimal

import pytest
from make_sample import make_sample
from minsheng import Submission, Value

from {module} import COUNTY

PLUGIN = "{name}"


def test_claims_the_sample(tmp_path, minsheng_host):
    path = make_sample(tmp_path / "sample.xlsx")
    matched, problems = minsheng_host.match([path])
    assert matched == [(path, PLUGIN)], problems
    assert [p for p in problems if p.plugin == PLUGIN] == []


def test_claims_only_this_county(tmp_path, minsheng_host):
    other = make_sample(tmp_path / "other.xlsx", county="360000")
    assert dict(minsheng_host.claim(other).claims).get(PLUGIN) is None


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_reads_every_value_with_its_cell(tmp_path, read_with_plugin, suffix):
    result = read_with_plugin(make_sample(tmp_path / f"sample{{suffix}}"), PLUGIN)
    assert result.problems == (), result.problems
    sub = result.submission
    assert sub.county == COUNTY
    assert sub.values["1.1"].amount == Decimal(12000)  # 1.2 万人
    assert sub.values["3.1"].amount == Decimal(3500)
    assert sub.values["4.2"].amount == Decimal(0)
    assert sub.values["5.1"].amount == Decimal(15000)  # 1.5 亿元 = 15000 万元
    assert sub.values["7.3"].status.value == "not-applicable"
    where = sub.values["1.1"].provenance
    assert (where.sheet, where.cell, where.plugin) == ("{sheet}", "D4", PLUGIN)


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_writes_a_sample_that_reads_back(
    tmp_path, minsheng_host, minsheng_scheme, suffix
):
    values = {{
        "1.1": Value.of(12000),
        "5.1": Value.of(Decimal("1.5")),
        "4.2": Value.missing(),  # 缺报：写成空白，读回来仍是缺报
        "7.3": Value.not_applicable(),  # 不考核：写成“—”
    }}
    sub = Submission(county=COUNTY, year=2007, values=values)
    assert PLUGIN in minsheng_host.sample_writers()
    path = minsheng_host.write_sample(
        PLUGIN, tmp_path / f"写出{{suffix}}", sub, minsheng_scheme
    )
    result = minsheng_host.read(path, PLUGIN, minsheng_scheme, 2007)
    assert result.problems == (), result.problems
    assert result.submission.county == COUNTY
    assert set(result.submission.values) == set(values)
    for code, value in values.items():
        got = result.submission.values[code]
        assert (got.status, got.amount) == (value.status, value.amount), code
        assert (got.provenance.file, got.provenance.plugin) == (str(path), PLUGIN)
    again = minsheng_host.write_sample(
        PLUGIN, tmp_path / f"再写{{suffix}}", sub, minsheng_scheme
    )
    assert again.read_bytes() == path.read_bytes()  # 同样的输入，同样的字节


def test_leaves_other_files_alone(minsheng_host, minsheng_workbook):
    other = minsheng_workbook({{"Sheet1": [["别的表格"]]}})
    match = minsheng_host.claim(other)
    assert dict(match.claims).get(PLUGIN) is None
'''

_CONFTEST = """\
# minsheng.testing 提供 minsheng_host、read_with_plugin、minsheng_workbook 等 fixtures，
# 安装 minsheng 后由 pytest 自动加载，无需在这里导入。
"""

_README = """\
# {dist}

minsheng 县级插件 `{name}`：读取本县的民生工程报表。

    pip install -e ".[test]"                  # 安装插件和测试所需（pytest、xlwt、ruff）
    minsheng plugins                          # 应能看到 {name}
    python tests/make_sample.py 示例报表.xlsx  # 生成示例报表（写 .xls 就用 示例报表.xls）
    python -m pytest                          # 运行插件自己的测试
    ruff check . && ruff format --check .     # 代码检查（设置在 pyproject.toml，允许中文标点）

插件只认领本县（{county_name}，代码 {county}）的报表：`minsheng_claim` 核对 B2 的县级代码，
别的县用同样的格式也不会与本插件冲突。示例报表用 `minsheng.testing.write_workbook` 写，
后缀是 .xls 就写成 Excel 97-2003 格式。

按本县报表的实际格式修改 `src/{module}/__init__.py` 顶部的常量和三个函数
（`minsheng_claim` 认领、`minsheng_read` 读表、`minsheng_write_sample` 按本县格式写示例报表），
并相应修改 `tests/make_sample.py`，让示例文件与真实报表格式一致。
"""

SHEET = "民生工程完成情况"


COUNTY_RE = re.compile(r"^\d{6}$")


def county_name(code: str) -> str:
    """The name of county ``code`` in the built-in region list, or ``""``."""
    from ..regions import load_regions

    return next((c.name for c in load_regions() if c.code == code), "")


def scaffold_files(name: str, county: str) -> dict[str, str]:
    """The files of a new plugin package for county ``county`` (its 6-digit code), path → text."""
    if not NAME_RE.match(name):
        raise ScaffoldError(
            f"插件名称“{name}”不可用：请用小写英文字母、数字和连字符，以字母开头，例如县名拼音 wanan。"
        )
    if not COUNTY_RE.match(county or ""):
        raise ScaffoldError(
            f"县级代码“{county}”不可用：请用 --county 给出本县的 6 位行政区划代码（如 360828），"
            "插件只认领本县的报表，几个县的插件装在一起也不会冲突。"
        )
    fields = {
        "name": name,
        "dist": distribution_name(name),
        "module": module_name(name),
        "sheet": SHEET,
        "county": county,
        "county_name": county_name(county),
    }
    module = fields["module"]
    return {
        "pyproject.toml": _PYPROJECT.format(**fields),
        "README.md": _README.format(**fields),
        f"src/{module}/__init__.py": _PLUGIN.format(**fields),
        "tests/make_sample.py": _SAMPLE.format(**fields),
        "tests/conftest.py": _CONFTEST,
        "tests/test_plugin.py": _TESTS.format(**fields),
    }


def write_scaffold(name: str, parent: Path, county: str) -> Path:
    """Write the package for plugin ``name`` of county ``county`` into ``parent/minsheng-NAME``;
    return that folder."""
    files = scaffold_files(name, county)
    root = Path(parent) / distribution_name(name)
    if root.exists():
        raise ScaffoldError(f"目录“{root}”已存在；为避免覆盖，请换一个名称或目录。")
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
