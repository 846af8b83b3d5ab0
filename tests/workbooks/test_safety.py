"""Safety and fidelity: no formula from county data, 身份证号 masked, byte-identical, atomic."""

from __future__ import annotations

import os
import re
import time
from decimal import Decimal as D

import pytest
from attrs import evolve
from openpyxl import load_workbook
from wbhelpers import ID_NUMBER, INJECTION, xml_parts

from minsheng import IndicatorScore, IndicatorStatus
from minsheng.files import OutputError
from minsheng.workbooks import (
    mask_ids,
    write_assessment,
    write_county_sheets,
    write_form,
    write_targets_template,
)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, assessment, scheme, targets):
    d = tmp_path_factory.mktemp("safety")
    paths = [write_assessment(assessment, scheme, d / "assessment.xlsx")]
    paths += write_county_sheets(assessment, scheme, d / "counties")
    return paths


def all_cells(path):
    wb = load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def test_text_that_looks_like_a_formula_stays_text(outputs):
    path = outputs[0]
    hits = [c for c in all_cells(path) if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert {c.parent.title for c in hits} >= {"综合排名", "问题清单"}
    for c in hits:
        assert c.data_type == "s", (c.parent.title, c.coordinate)
    assert any(c.value == INJECTION for c in hits)  # the file name, kept exactly, as a string
    for name, xml in xml_parts(path).items():
        if name.startswith("xl/worksheets/"):
            assert not re.search(r"<f>[^<]*HYPERLINK", xml), name
            assert "HYPERLINK" not in "".join(re.findall(r"<f>([^<]*)</f>", xml))
    vetoed = load_workbook(outputs[0])["综合排名"]
    note = next(
        c.value
        for row in vetoed.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("弄虚作假")
    )
    assert INJECTION in note


def test_id_numbers_are_masked_everywhere(outputs):
    masked = ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
    for path in outputs:
        for name, xml in xml_parts(path).items():
            assert ID_NUMBER not in xml, (path.name, name)
    texts = [c.value for c in all_cells(outputs[0]) if isinstance(c.value, str)]
    assert any(masked in t for t in texts)


def test_mask_ids():
    assert mask_ids(f"身份证号{ID_NUMBER}重复") == f"身份证号{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}重复"
    assert mask_ids("360102800101123") == "360102*****1123"  # an old 15-digit number
    assert mask_ids("电话 0791-86543210，代码 360102") == "电话 0791-86543210，代码 360102"
    assert mask_ids("a" + ID_NUMBER) == "a" + ID_NUMBER  # part of a longer token: not a 身份证号


def test_identical_inputs_give_identical_bytes(tmp_path, assessment, scheme, targets):
    def run(d):
        write_assessment(assessment, scheme, d / "a.xlsx")
        write_county_sheets(assessment, scheme, d / "c")
        write_form(scheme, d / "f.xlsx", county=targets.counties[0], allocation=targets.allocations["360102"])
        write_targets_template(scheme, d / "t.xlsx", targets=targets)
        return {p.relative_to(d): p.read_bytes() for p in sorted(d.rglob("*.xlsx"))}

    first = run(tmp_path / "1")
    time.sleep(2.1)  # zip entry times have 2-second resolution; the document times would differ too
    second = run(tmp_path / "2")
    assert first.keys() == second.keys() and len(first) == 8
    for name in first:
        assert first[name] == second[name], name
    core = xml_parts(tmp_path / "1" / "a.xlsx")["docProps/core.xml"]
    assert "2008-01-20T00:00:00Z" in core  # the assessment date, not the wall clock


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path, assessment, scheme):
    path = tmp_path / "考核结果.xlsx"
    write_assessment(assessment, scheme, path)
    before = path.read_bytes()
    # an assessment naming an indicator the scheme does not have fails midway through filling
    broken_county = evolve(
        assessment.counties[0],
        indicators=(
            *assessment.counties[0].indicators,
            IndicatorScore("99.9", "9", D(0), IndicatorStatus.SCORED),
        ),
    )
    broken = evolve(assessment, counties=(broken_county, *assessment.counties[1:]))
    with pytest.raises(KeyError):
        write_assessment(broken, scheme, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["考核结果.xlsx"]  # no temporary file left behind


def test_a_failed_county_write_leaves_no_partial_file(tmp_path, assessment, scheme):
    target = tmp_path / "counties"
    target.mkdir()
    blocker = (
        target
        / f"{assessment.counties[1].county.code}-{assessment.counties[1].county.name}-2007年度考核评分表.xlsx"
    )
    blocker.mkdir()  # a folder where a file should go: the rename fails
    with pytest.raises(OutputError, match="output-not-writable"):  # said in Chinese, no traceback
        write_county_sheets(assessment, scheme, target)
    assert sorted(p.name for p in target.iterdir() if p.is_file()) == [
        f"{assessment.counties[0].county.code}-{assessment.counties[0].county.name}-2007年度考核评分表.xlsx"
    ]
    assert not [p for p in target.iterdir() if p.name.endswith(".tmp")]


def test_a_write_removes_only_the_temporary_files_of_dead_writers(tmp_path):
    """What a killed writer left (its process gone) is removed by the next write of that file;
    a live writer's file, another machine's, and other files are left alone."""
    import os
    import subprocess
    import sys

    from minsheng.files import _writer_tag, atomic_write_bytes

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = int(gone.stdout)
    tag = _writer_tag()
    out = tmp_path / "考核结果.xlsx"
    orphan = tmp_path / f".考核结果.xlsx.{tag}-{dead}.abc123.tmp"
    live = tmp_path / f".考核结果.xlsx.{tag}-{os.getpid()}.def456.tmp"
    other_host = tmp_path / f".考核结果.xlsx.{tag}x-{dead}.ghi789.tmp"
    other_file = tmp_path / f".考核结果.json.{tag}-{dead}.jkl012.tmp"
    for p in (orphan, live, other_host, other_file):
        p.write_bytes(b"partial")
    atomic_write_bytes(out, b"whole")
    assert out.read_bytes() == b"whole"
    assert not orphan.exists()
    assert live.exists() and other_host.exists() and other_file.exists()
