"""The 通报 draft (``minsheng progress --notice``): read back (its WordprocessingML), every number equals
the workbook's and the JSON's; it opens in LibreOffice; a template restyled in Word still fills; the
Word template is what its script makes."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from minsheng.notice import NoticeError, write_notice

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
    return out, data, load_workbook(out / "通报.xlsx"), Docx(out / "通报.docx")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class Docx:
    """A .docx read back with the standard library: its body paragraphs and its tables' rows."""

    def __init__(self, path: Path) -> None:
        body = ET.fromstring(zipfile.ZipFile(path).read("word/document.xml")).find(f"{W}body")
        self.paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.findall(f"{W}p")]
        self.tables = [
            [
                ["".join(t.text or "" for t in c.iter(f"{W}t")) for c in r.findall(f"{W}tc")]
                for r in tbl.findall(f"{W}tr")
            ]
            for tbl in body.findall(f"{W}tbl")
        ]


def _text(document: Docx) -> str:
    return "\n".join(document.paragraphs)


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
    rows = ranking[1:]
    sheet = [r for r in wb["综合排名"].iter_rows(min_row=5, max_row=104, values_only=True)]
    assert len(rows) == len(sheet) == 100
    for got, row in zip(rows, sheet, strict=True):
        assert got[1] == row[2]
        assert got[0] == ("—" if row[0] is None else str(row[0]))
        assert got[3] == ("—" if row[4] is None else f"{Decimal(str(row[4])):.2f}")
    listed = behind[1:]
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
    broken = tmp_path / "省里的模板.docx"
    with (
        zipfile.ZipFile(ROOT / "templates" / "docx" / "notice.docx") as src,
        zipfile.ZipFile(broken, "w") as dst,
    ):
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "word/document.xml":
                part = part.replace("{附件1排名}".encode(), "排名".encode())
            dst.writestr(info.filename, part)
    r = cli(*BASE, "--notice", "x.docx", "--notice-template", str(broken), cwd=tmp_path)
    assert r.returncode == 2 and "附件1排名" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.docx").exists()
    (tmp_path / "不是.docx").write_text("不是 Word 文件", encoding="utf-8")
    r = cli(*BASE, "--notice", "x.docx", "--notice-template", str(tmp_path / "不是.docx"), cwd=tmp_path)
    assert r.returncode == 2 and "无法打开" in r.stderr and "Traceback" not in r.stderr
    wrong = cli(*BASE, "--notice", "x.txt", cwd=tmp_path)
    assert wrong.returncode == 2 and ".docx" in wrong.stderr


def test_a_template_restyled_in_word_still_fills(outputs, tmp_path):
    """Word splits text into several runs and declares namespaces only an attribute names
    (mc:Ignorable): a placeholder split over runs is still filled, and every declaration is kept."""
    import minsheng

    _, data, _, _ = outputs
    restyled = tmp_path / "本省模板.docx"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    with (
        zipfile.ZipFile(ROOT / "templates" / "docx" / "notice.docx") as src,
        zipfile.ZipFile(restyled, "w") as dst,
    ):
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "word/document.xml":
                text = part.decode("utf-8")
                text = text.replace(
                    "<w:document ", f'<w:document xmlns:mc="{mc}" xmlns:w14="{w14}" mc:Ignorable="w14" ', 1
                )
                text = text.replace(
                    "关于{期别}全省",
                    '关于{期</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">别}全省',
                    1,
                )
                part = text.encode("utf-8")
            dst.writestr(info.filename, part)
    run = minsheng.progress(
        EXAMPLE / "报表", EXAMPLE / "目标任务表.xlsx", period="2007-06", history=EXAMPLE / "历史"
    )
    path = write_notice(run, tmp_path / "本省通报.docx", template=restyled)
    document = Docx(path)
    assert "关于2007年1—6月全省民生工程目标任务进度情况的通报" in document.paragraphs
    head = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8").split(">", 2)[1]
    assert f'xmlns:w14="{w14}"' in head and 'mc:Ignorable="w14"' in head
    assert len(document.tables[0]) == 1 + len(data["counties"])
    with pytest.raises(NoticeError):
        write_notice(run, tmp_path / "y.docx", template=tmp_path / "没有这个模板.docx")


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
