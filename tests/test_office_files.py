"""Files as office suites and people make them (#17): a re-saved county table, a form that
yields nothing, report dates written every way, 自评分 with 分. Real files, no mocks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from builders import make_targets

from minsheng import County, ValueStatus, load_scheme
from minsheng.checks import apply_deadline
from minsheng.pipeline import assess_reads
from minsheng.plugins import PluginHost
from minsheng.sheets import open_workbook, parse_date, read_reporter
from minsheng.testing import example_values, submission_of
from minsheng.workbooks import claim_form, write_form

SCHEME = load_scheme("jiangxi-2007")
NANCHANG = County("360121", "南昌县", "3601", "南昌市")


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.load()


def resave_as_xlsx(src: Path, dst: Path) -> Path:
    """What 'save as .xlsx' keeps: every value and merged range, sheet by sheet (openpyxl)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    with open_workbook(src) as book:
        for sheet in book:
            ws = wb.create_sheet(sheet.name)
            for r, line in enumerate(sheet.grid()):
                for c, v in enumerate(line):
                    if v != "":
                        ws.cell(r + 1, c + 1, v)
            for m in sheet.merged:
                ws.merge_cells(
                    start_row=m.first_row + 1,
                    start_column=m.first_col + 1,
                    end_row=m.last_row + 1,
                    end_column=m.last_col + 1,
                )
    wb.save(dst)
    return dst


def _summary_xls(tmp_path: Path) -> Path:
    plugin = pytest.importorskip("minsheng_xls_summary")
    sub = submission_of(
        NANCHANG, example_values(SCHEME, seed=7), scheme=SCHEME, seed=7, reported_on=dt.date(2008, 1, 8)
    )
    return plugin.write_sample(tmp_path / "360121-南昌县.xls", sub, SCHEME, county_name="南昌县", seed=7)


def _assess(host: PluginHost, paths: list[Path], codes: list[str], deadline: dt.date | None = None):
    reads = []
    for path in paths:
        match = host.claim(path)
        if match.plugin is None:
            from minsheng.plugins.host import ReadResult

            reads.append(ReadResult(str(path), None, match.problems, None))
            continue
        reads.append(host.read(path, match.plugin, SCHEME, 2007))
    return assess_reads(SCHEME, make_targets(codes, SCHEME), reads, deadline=deadline)


def _county(assessment, code: str):
    return next(c for c in assessment.counties if c.county.code == code)


# --------------------------------------------------------------------------------------------
# 1. a county's own table re-saved in another format is still its plugin's; nothing read, no score


def test_resaved_summary_is_read_by_its_plugin_and_scores_the_same(host: PluginHost, tmp_path: Path) -> None:
    xls = _summary_xls(tmp_path)
    (tmp_path / "x").mkdir()
    xlsx = resave_as_xlsx(xls, tmp_path / "x" / "360121-南昌县.xlsx")
    assert host.claim(xlsx).plugin == "xls-summary"
    with open_workbook(xlsx) as book:
        assert claim_form(book) is None  # 序号 1–28 are not indicator codes
    original = _county(_assess(host, [xls], ["360121"]), "360121")
    resaved = _county(_assess(host, [xlsx], ["360121"]), "360121")
    assert resaved.status.value == original.status.value == "scored"
    assert resaved.total == original.total


def test_a_claimed_file_that_yields_no_value_is_failed_not_scored(host: PluginHost, tmp_path: Path) -> None:
    blank = write_form(SCHEME, tmp_path / "360121-南昌县.xlsx", county=NANCHANG, allocation={})
    assert host.claim(blank).plugin == "standard-form"
    result = _assess(host, [blank], ["360121"], deadline=dt.date(2008, 1, 10))
    county = _county(result, "360121")
    assert county.status.value == "failed" and county.total is None
    [problem] = [p for p in result.problems if p.code == "no-indicator-values"]
    assert problem.county == "360121" and problem.file == str(blank) and "出错" in problem.message


def test_the_standard_form_is_claimed_by_its_own_markers_only(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某县就业情况表"])
    ws.append(["代码：360121"])
    ws.append(["序号", "指标", "计量单位", "累计完成"])
    for n in range(1, 29):
        ws.append([n, f"指标{n}", "人", n * 10])
    wb.save(tmp_path / "plain.xlsx")
    with open_workbook(tmp_path / "plain.xlsx") as book:
        assert claim_form(book) is None
    ws.cell(1, 1, "2007年民生工程目标任务完成情况表")  # the form's title: one marker
    wb.save(tmp_path / "titled.xlsx")
    with open_workbook(tmp_path / "titled.xlsx") as book:
        assert claim_form(book) == 0.7
    form = write_form(SCHEME, tmp_path / "form.xlsx", county=NANCHANG, allocation={})
    with open_workbook(form) as book:
        assert claim_form(book) == 1.0


# --------------------------------------------------------------------------------------------
# 2. report dates as clerks write them

DATES = {
    "2008年1月8日": dt.date(2008, 1, 8),
    "2008-1-8": dt.date(2008, 1, 8),
    "2008.01.08": dt.date(2008, 1, 8),
    "2008/1/8": dt.date(2008, 1, 8),
    "20080108": dt.date(2008, 1, 8),
    "二〇〇八年一月八日": dt.date(2008, 1, 8),
    "二○○八年元月十八日": dt.date(2008, 1, 18),
    "二零零八年一月三十一日": dt.date(2008, 1, 31),
    "二〇〇七年十二月二十日": dt.date(2007, 12, 20),
    "08年1月15日": dt.date(2008, 1, 15),
    "1月8日": dt.date(2008, 1, 8),  # the 2007 year-end report: January after it
    "12月28日": dt.date(2007, 12, 28),
    "2008年1月8号": dt.date(2008, 1, 8),
    "２００８年１月８日": dt.date(2008, 1, 8),
    "2008 年 1 月 8 日": dt.date(2008, 1, 8),
    "39455": dt.date(2008, 1, 8),
}


@pytest.mark.parametrize("text", list(DATES))
def test_parse_date_reads_what_offices_write(text: str) -> None:
    assert parse_date(text, year=2007) == DATES[text]


def test_parse_date_without_a_year_reads_no_bare_month_day() -> None:
    assert parse_date("1月8日") is None
    assert parse_date("08年1月15日") == dt.date(2008, 1, 15)
    assert parse_date("2008年13月1日") is None and parse_date("2008年1月") is None


def _form_dated(tmp_path: Path, name: str, cell_value: object, *, over_label: bool = False) -> Path:
    """A filled-in 南昌县 form whose 报出日期 is ``cell_value``: after the label, or typed over it
    (6.2, the days late, left blank for the office to compute)."""
    values = {k: v for k, v in example_values(SCHEME, seed=3).items() if k != "6.2"}
    sub = submission_of(NANCHANG, values, scheme=SCHEME, seed=3, reported_on=dt.date(2008, 1, 5))
    path = write_form(SCHEME, tmp_path / f"{name}.xlsx", county=NANCHANG, allocation={}, submission=sub)
    wb = openpyxl.load_workbook(path)
    ws = wb["报表"]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("报出日期"):
                cell.value = cell_value if over_label else f"报出日期：{cell_value}"
                if isinstance(cell_value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str) and cell.value.startswith("填报日期"):
                cell.value = "填报日期："
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("text", "over"),
    [
        ("二〇〇八年一月八日", False),
        ("08年1月15日", False),
        ("1月8日", False),
        ("2008年1月8号", False),
        (dt.datetime(2008, 1, 8), True),
        ("2008年1月8日", True),
    ],
)
def test_the_form_reads_every_way_of_writing_the_report_date(
    host: PluginHost, tmp_path: Path, text: object, over: bool
) -> None:
    path = _form_dated(tmp_path, "dated", text, over_label=over)
    read = host.read(path, "standard-form", SCHEME, 2007)
    assert read.submission is not None
    expected = DATES.get(text, dt.date(2008, 1, 8)) if isinstance(text, str) else text.date()
    assert read.submission.submitted_on == expected
    assert not [p for p in read.problems if p.code == "bad-date"]


def test_an_unreadable_report_date_is_a_warning_at_its_cell_and_lateness_is_not_computed(
    host: PluginHost, tmp_path: Path
) -> None:
    path = _form_dated(tmp_path, "bad", "元旦后第一周")
    read = host.read(path, "standard-form", SCHEME, 2007)
    [bad] = [p for p in read.problems if p.code == "bad-date"]
    assert bad.severity.value == "warning" and bad.cell and "元旦后第一周" in bad.message
    assert "逾期" in bad.message
    sub, _ = apply_deadline(SCHEME, read.submission, dt.date(2008, 1, 10))
    late = sub.values["6.2"]  # not computed, and the value says why
    assert late.status is ValueStatus.MISSING and "无法计算逾期天数" in (late.raw or "")


def test_read_reporter_takes_a_date_typed_over_its_label_and_the_title_year(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总表"
    ws.append(["2007年就业和社会保障目标任务完成情况汇总表"])
    ws.append(["填报单位：某县劳动局", None, "填报人：张三"])
    ws.append(["序号", "指标名称", "累计完成"])
    ws.append([1, "城镇新增就业人数", 100])
    ws.append(["单位负责人：李四", None, "填表人：张三", None, dt.datetime(2008, 1, 9)])
    wb.save(tmp_path / "r.xlsx")
    problems: list = []
    with open_workbook(tmp_path / "r.xlsx") as book:
        reporter = read_reporter(book.sheet("汇总表"), problems=problems)
    assert reporter.date == dt.date(2008, 1, 9) and problems == []
    ws.cell(5, 5, "报出日期：1月9日")
    wb.save(tmp_path / "r2.xlsx")
    with open_workbook(tmp_path / "r2.xlsx") as book:
        assert read_reporter(book.sheet("汇总表")).date == dt.date(2008, 1, 9)  # year from the title


# --------------------------------------------------------------------------------------------
# 6. 自评分 with 分


def test_self_score_with_fen_reads_as_a_number(host: PluginHost, tmp_path: Path) -> None:
    sub = submission_of(
        NANCHANG, example_values(SCHEME, seed=3), scheme=SCHEME, seed=3, reported_on=dt.date(2008, 1, 5)
    )
    path = write_form(SCHEME, tmp_path / "f.xlsx", county=NANCHANG, allocation={}, submission=sub)
    wb = openpyxl.load_workbook(path)
    ws = wb["报表"]
    header = next(r for r in ws.iter_rows() if any(c.value == "自评分" for c in r))
    col = next(c.column for c in header if c.value == "自评分")
    rows = [r for r in ws.iter_rows(min_row=header[0].row + 1) if r[8].value in ("1.1", "1.2")]
    ws.cell(rows[0][0].row, col, "6分")
    ws.cell(rows[1][0].row, col, "3.5 分")
    wb.save(path)
    read = host.read(path, "standard-form", SCHEME, 2007)
    assert read.submission.self_scores["1.1"] == D(6)
    assert read.submission.self_scores["1.2"] == D("3.5")
    assert not [p for p in read.problems if p.code == "not-a-number"]


# --------------------------------------------------------------------------------------------
# 3, 4, 5. sizes by what a sheet holds; .xlsb; refusals that say the true cause

CORPUS = Path(__file__).parent / "corpus" / "files"
#: words a Chinese message may carry in Latin letters (formats, programs); any other is a reader's English
ALLOWED_LATIN = {
    "excel",
    "wps",
    "xlsx",
    "xlsb",
    "xlsm",
    "xls",
    "ods",
    "biff",
    "word",
    "powerpoint",
    "xml",
    "dtd",
}


def _no_english(message: str) -> bool:
    import re

    words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", message)}
    return words <= ALLOWED_LATIN | {Path(w).stem.lower() for w in words}


def test_find_files_takes_xlsb(tmp_path: Path) -> None:
    from minsheng.pipeline import find_files

    (tmp_path / "360121-南昌县.xlsb").write_bytes((CORPUS / "form.xlsb").read_bytes())
    files, problems = find_files([tmp_path])
    assert [f.name for f in files] == ["360121-南昌县.xlsb"] and problems == []


def test_an_xlsb_form_reads_like_the_xlsx_it_came_from(host: PluginHost) -> None:
    form = CORPUS.parent / "province"
    xlsx = next(form.glob("360111-*.xlsx"))
    with open_workbook(CORPUS / "form.xlsb") as book:
        assert book.format == "xlsb" and book.sheet_names[0] == "报表"
    a = host.read(xlsx, "standard-form", SCHEME, 2007).submission
    b = host.read(CORPUS / "form.xlsb", "standard-form", SCHEME, 2007).submission
    assert {k: v.amount for k, v in a.values.items()} == {k: v.amount for k, v in b.values.items()}
    assert a.submitted_on == b.submitted_on and a.self_scores == b.self_scores


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("xlsb-lying-record.xlsb", "unreadable-file", "二进制工作簿（.xlsb）"),
        ("xlsb-far-cell.xlsb", "sheet-too-large", "有数据的单元格"),
        ("excel95.xls", "old-excel-format", "旧版 Excel 5.0/95"),
        ("excel4.xls", "old-excel-format", "旧版 Excel 2.x–4.0"),
    ],
)
def test_refusals_say_the_true_cause_in_chinese(name: str, code: str, words: str) -> None:
    from minsheng.sheets import SheetError

    with pytest.raises(SheetError) as err:
        with open_workbook(CORPUS / name) as book:
            book.sheet(0)
    assert err.value.code == code and words in err.value.message_zh
    assert _no_english(err.value.message_zh), err.value.message_zh


#: the process's own peak memory in MB (VmHWM: ru_maxrss would report the parent's, inherited at fork)
PEAK_MB = (
    "def peak_mb():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            return int(line.split()[1]) // 1024\n"
)
needs_proc = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="peak memory is read from /proc"
)


@needs_proc
def test_a_small_hostile_xlsb_costs_little_memory() -> None:
    """A record claiming 256 MB, a value at XFD1048576: refused before any reader allocates."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from minsheng.sheets import open_workbook, SheetError\n" + PEAK_MB + "base = peak_mb()\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        open_workbook(name).sheet(0)\n"
        "    except SheetError as e:\n"
        "        print(e.code)\n"
        "print(peak_mb() - base)\n"
    )
    names = [str(CORPUS / n) for n in ("xlsb-lying-record.xlsb", "xlsb-far-cell.xlsb")]
    run = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True, check=True)
    *codes, grown = run.stdout.split()
    assert codes == ["unreadable-file", "sheet-too-large"] and int(grown) < 50  # MB


def test_a_word_document_is_named_as_such(tmp_path: Path) -> None:
    import zipfile

    from minsheng.sheets import SheetError

    path = tmp_path / "360121.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr("word/document.xml", "<document/>")
    with pytest.raises(SheetError) as err:
        open_workbook(path)
    assert err.value.code == "not-a-spreadsheet" and "Word 文档" in err.value.message_zh


def test_a_package_with_unusual_part_names_is_read(host: PluginHost) -> None:
    """calamine looks for xl/workbook.xml; the package says excel/book.xml: openpyxl reads it."""
    with open_workbook(CORPUS / "unusual-part-names.xlsx") as book:
        assert book.sheet_names == ("报表", "填报说明")
    read = host.read(CORPUS / "unusual-part-names.xlsx", "standard-form", SCHEME, 2007)
    assert read.submission is not None and read.submission.county == "360111"
    assert not [p for p in read.problems if p.severity.value == "error"]


def test_a_sheet_error_while_claiming_is_the_files_problem(host: PluginHost, tmp_path: Path) -> None:
    """A sheet calamine cannot parse, met by the plugins' claims: the file's unreadable-file, once,
    with neither plugin-error nor no-plugin."""
    import io
    import zipfile

    wb = openpyxl.Workbook()
    wb.active.title = "报表"
    wb.active["A1"] = "2007年民生工程目标任务完成情况表"
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "360121.xlsx"
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<sheetData>", b"<sheetData><row r='x'><c r='??'><v>1</v></c></row>")
            zout.writestr(info, body)
    match = host.claim(path)
    codes = [p.code for p in match.problems]
    assert match.plugin is None and codes == ["unreadable-file"], match.problems
    assert _no_english(match.problems[0].message)


@needs_proc
def test_a_sheet_formatted_to_the_last_row_reads_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Two rows of values, every row down to 1,048,576 formatted (as Mac Excel writes it)."""
    import subprocess
    import sys
    import zipfile

    rows = b"".join(
        b'<row r="%d" s="1" customFormat="1"><c r="A%d" s="1"/><c r="B%d" s="1"/></row>' % (r, r, r)
        for r in range(3, 1048577)
    )
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD1048576"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>zhibiao</t></is></c><c r="B1"><v>1</v></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>heji</t></is></c><c r="B2"><v>2</v></c></row>'
        + rows
        + b"</sheetData></worksheet>"
    )
    base = io_workbook()
    path = tmp_path / "mac.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(
                info.filename, xml if info.filename == "xl/worksheets/sheet1.xml" else zin.read(info)
            )
    code = (
        "import sys, time\n"
        "from minsheng.sheets import open_workbook\n" + PEAK_MB + "t = time.monotonic()\n"
        "sheet = open_workbook(sys.argv[1]).sheet(0)\n"
        "print(sheet.n_rows, sheet.n_cols, round(time.monotonic() - t, 1), peak_mb())\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    n_rows, n_cols, seconds, peak_mb = run.stdout.split()
    assert (int(n_rows), int(n_cols)) == (2, 2)
    assert float(seconds) < 30 and int(peak_mb) < 200, run.stdout


def io_workbook():
    import io

    wb = openpyxl.Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf
