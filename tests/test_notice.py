"""The 通报 draft (``minsheng progress --notice``): read back with python-docx, every number equals the
workbook's and the JSON's; it opens in LibreOffice; the Word template is what its script makes."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

docx = pytest.importorskip("docx")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jiangxi-2007-06"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(dt.datetime(2007, 7, 10, tzinfo=dt.UTC).timestamp()))}
    return subprocess.run(
        [sys.executable, "-m", "minsheng", "progress", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=900,
    )


BASE = [str(EXAMPLE / "报表"), "--targets", str(EXAMPLE / "目标任务表.xlsx"), "--period", "2007-06"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("notice")
    args = [
        *BASE,
        "--history",
        str(EXAMPLE / "历史"),
        "-o",
        "通报.xlsx",
        "--json",
        "通报.json",
        "--notice",
        "通报.docx",
    ]
    r = cli(*args, cwd=out)
    assert r.returncode == 0, r.stderr
    assert "通报草稿：通报.docx" in r.stdout
    data = json.loads((out / "通报.json").read_text(encoding="utf-8"))
    return out, data, load_workbook(out / "通报.xlsx"), docx.Document(out / "通报.docx")


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_the_summary_sentences_carry_the_results_figures(outputs):
    _, data, wb, document = outputs
    text = _text(document)
    assert "关于2007年1—6月全省民生工程目标任务进度情况的通报" in text
    assert "{" not in text
    assert "截至2007年6月30日" in text and "序时进度 50.0%" in text
    # 全省平均完成率: the mean of every county's completion ratio on the cumulative indicators
    ratios = [
        Decimal(i["ratio"]) for c in data["counties"] for i in c["indicators"] if i["ratio"] is not None
    ]
    assert f"全省平均完成率 {(sum(ratios) / len(ratios) * 100).quantize(Decimal('0.1'))}%" in text
    scores = [Decimal(c["score"]) for c in data["counties"] if c["score"] is not None]
    assert f"平均综合进度得分 {(sum(scores) / len(scores)).quantize(Decimal('0.01'))} 分" in text
    # 前三名: the workbook's 综合排名 rows ranked 1 to 3, in order, with their score
    rank = wb["综合排名"]
    top = [
        (r[0], r[2], r[4])
        for r in rank.iter_rows(min_row=5, values_only=True)
        if isinstance(r[0], int) and r[0] <= 3
    ]
    first = [name for k, name, _ in top if k == 1]
    assert f"第一名{'、'.join(first)}（{Decimal(str(top[0][2])):.2f}分）" in text
    counts = {"已报": 0, "逾期": 0, "缺报": 0}
    for c in data["counties"]:
        counts[c["state"]] = counts.get(c["state"], 0) + 1
    assert (
        f"{counts['已报'] + counts['逾期']} 个按规定报送" in text and f"逾期报送 {counts['逾期']} 个" in text
    )
    report = [r for r in wb["报送情况"].iter_rows(min_row=4, max_row=5, values_only=True)]
    assert "石城县" in text and "未报送的：石城县" in text and report[0][2] == "石城县"
    assert "德安县（逾期 6 天）" in text and report[1][2] == "德安县" and report[1][5] == 6
    behind = sorted(
        (c for c in data["counties"] if c["behind"]), key=lambda c: (-len(c["behind"]), c["county"]["code"])
    )
    assert f"有 {len(behind)} 个县（市、区）存在进度滞后的指标" in text
    assert f"{behind[0]['county']['name']}（{len(behind[0]['behind'])} 项）" in text
    assert "连续 2 期及以上进度滞后的有：" in text


def test_the_attachments_are_the_workbooks_tables(outputs):
    _, data, wb, document = outputs
    ranking, behind = document.tables
    rows = [[c.text for c in r.cells] for r in ranking.rows[1:]]
    sheet = [r for r in wb["综合排名"].iter_rows(min_row=5, max_row=104, values_only=True)]
    assert len(rows) == len(sheet) == 100
    for got, row in zip(rows, sheet, strict=True):
        assert got[1] == row[2]
        assert got[0] == ("—" if row[0] is None else str(row[0]))
        assert got[3] == ("—" if row[4] is None else f"{Decimal(str(row[4])):.2f}")
    listed = [[c.text for c in r.cells] for r in behind.rows[1:]]
    want = sorted(
        (c for c in data["counties"] if c["behind"]), key=lambda c: (-len(c["behind"]), c["county"]["code"])
    )
    assert [(r[1], int(r[3])) for r in listed] == [(c["county"]["name"], len(c["behind"])) for c in want]
    assert listed[0][4].replace("*", "").split("、") == want[0]["behind"]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_draft_opens_in_libreoffice(outputs, tmp_path):
    out, data, _, _ = outputs
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out / "通报.docx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if not (tmp_path / "通报.pdf").exists() and "could not be loaded" in done.stderr:
        pytest.skip(
            "LibreOffice Writer is not installed (only Calc): apt-get install libreoffice-writer-nogui"
        )
    pdf = tmp_path / "通报.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace(" ", "").replace("\n", "")
    assert "全省民生工程目标任务进度情况的通报" in flat
    assert data["counties"][0]["county"]["name"] in flat and data["counties"][0]["score"] in flat


def test_a_template_without_the_attachment_rows_is_refused_in_chinese(tmp_path):
    from docx import Document

    from minsheng.notice import NoticeError, write_notice

    broken = Document()
    broken.add_paragraph("关于{期别}的通报")
    broken.save(tmp_path / "省里的模板.docx")
    r = cli(*BASE, "--notice", "x.docx", "--notice-template", str(tmp_path / "省里的模板.docx"), cwd=tmp_path)
    assert r.returncode == 2 and "附件1排名" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.docx").exists()
    with pytest.raises(NoticeError):
        import minsheng

        write_notice(
            minsheng.progress(EXAMPLE / "报表" / "南昌市", EXAMPLE / "目标任务表.xlsx", period="2007-06"),
            tmp_path / "y.docx",
            template=tmp_path / "省里的模板.docx",
        )
    wrong = cli(*BASE, "--notice", "x.txt", cwd=tmp_path)
    assert wrong.returncode == 2 and ".docx" in wrong.stderr


def test_the_word_template_is_what_its_script_makes(tmp_path):
    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_notice_template.py"), "--out", str(tmp_path)],
        capture_output=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    made = (tmp_path / "notice.docx").read_bytes()
    assert made == (ROOT / "templates" / "docx" / "notice.docx").read_bytes()
    assert made == (ROOT / "src" / "minsheng" / "templates" / "notice.docx").read_bytes()
