"""The synthetic roster province the benchmarks read: 100 counties, 30 of them submitting rosters.

The example province (:mod:`minsheng.example`, seed 2007) gives the targets and the standard-form
reports; 30 counties instead submit the roster plugin's layout (汇总表, 培训花名册, 小额贷款台帐, the
layout ``minsheng_roster`` reads) with tens of thousands of rows each, more than 1,000,000 rows in
all, .xlsx and .xls mixed (an .xls sheet holds at most 65,536 rows, so the .xls counties stay under
that). Each roster has one trainee entered twice and one ID with a wrong check character, as real
rosters do. One county never reports, as in the example.

Everything is drawn from fixed seeds, and the files are written once and cached in
``build/bench/province-<VERSION>/`` (``manifest.json`` lists the files and their row counts); a
later run reuses them. Writing them takes a few minutes. The rosters are written as Excel and WPS
write them (:func:`_write_xlsx`: shared strings, a dimension, styles, merged title rows; xlwt's .xls
with its shared string table); :func:`_write_xlsx_inline` keeps openpyxl's write-only form.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

#: bump when what is written changes, so that a stale cache is not reused
VERSION = "2"
ROSTER_COUNTIES = 30
XLS_EVERY = (0, 2)  # roster county i is .xls when i % 5 is one of these (12 of 30)

SUMMARY = "汇总表"
TRAINING = "培训花名册"
LOANS = "小额贷款台帐"
TRAINING_HEAD = ("序号", "姓名", "性别", "身份证号", "培训类别", "培训工种", "培训机构", "结业日期")
LOANS_HEAD = ("序号", "借款人", "身份证号", "贷款金额（元）", "发放日期", "经办银行", "贷款期限（月）")
FROM_ROSTERS = ("3.1", "3.2", "3.2.1", "3.2.2", "3.2.3", "5.1")
CATEGORIES = (
    ("3.1", "城镇职业技能培训", 30),
    ("3.2.1", "金蓝领工程", 45),
    ("3.2.2", "阳光工程", 19),
    ("3.2.3", "雨露工程", 6),
)
TRADES = ("电工", "焊工", "家政服务", "缝纫", "厨师", "计算机操作", "汽车驾驶", "种养殖")
BANKS = ("农村信用社", "邮政储蓄银行", "工商银行")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌辉鹏红玲金兰春梅海燕"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def rebased(manifest: dict, root: Path) -> dict:
    """A cached manifest with its paths under ``root``: a cache made in another checkout (copied,
    or a worktree's) names that checkout's folders in its absolute paths."""
    old = manifest.get("root")
    if not old or old == str(root):
        return manifest

    def fix(v: object) -> object:
        if isinstance(v, str) and (v == old or v.startswith(old + "/")):
            return str(root) + v[len(old) :]
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        if isinstance(v, list):
            return [fix(x) for x in v]
        return v

    return fix(manifest)  # type: ignore[return-value]


def default_cache() -> Path:
    return Path(__file__).resolve().parent.parent / "build" / "bench"


def roster_rows(i: int) -> tuple[str, int, int]:
    """(format, training rows, loan rows) of the i-th roster county."""
    if i % 5 in XLS_EVERY:
        return "xls", 38_000 + 1_000 * (i % 7), 3_000
    return "xlsx", 26_000 + 1_500 * (i % 9), 2_500


def _id(rng: random.Random, region: str, used: set[str]) -> str:
    while True:
        born = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 35))
        body = f"{region}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
        pid = body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]
        if pid not in used:
            used.add(pid)
            return pid


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _rows(
    code: str, year: int, n_train: int, n_loans: int
) -> tuple[list[tuple], list[tuple], dict[str, int], int]:
    """The roster rows, the count per indicator and the loans' total in 元 (noise rows excluded)."""
    rng = random.Random(f"bench/{code}/{year}")
    used: set[str] = set()
    start = dt.date(year, 1, 1)
    schools = ("县职业技术学校", "县就业训练中心", "江西蓝天技工学校")
    counts = {key: 0 for key, _, _ in CATEGORIES}
    train: list[tuple] = []
    for _ in range(n_train - 2):
        key, label, _w = rng.choices(CATEGORIES, weights=[w for *_, w in CATEGORIES])[0]
        counts[key] += 1
        train.append(
            (
                _name(rng),
                rng.choice("男女"),
                _id(rng, code, used),
                label,
                rng.choice(TRADES),
                rng.choice(schools),
                start + dt.timedelta(days=rng.randrange(0, 365)),
            )
        )
    train.insert(len(train) // 2, train[len(train) // 3])  # entered twice
    bad = _id(rng, code, used)
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")  # a wrong check character
    train.append((_name(rng), "男", bad, "阳光工程", "种养殖", schools[0], dt.date(year, 9, 1)))
    loans: list[tuple] = []
    total = 0
    for _ in range(n_loans):
        amount = rng.choice((20000, 30000, 50000, 50000, 80000))
        total += amount
        loans.append(
            (
                _name(rng),
                _id(rng, code, used),
                float(amount),
                start + dt.timedelta(days=rng.randrange(0, 365)),
                rng.choice(BANKS),
                rng.choice((12, 24)),
            )
        )
    return train, loans, counts, total


def _summary_lines(name: str, sub, scheme, year: int) -> list[list]:
    """The 汇总表 as rows of values (the indicators not counted from the rosters)."""
    from minsheng.model import ValueStatus

    rep = sub.reporter
    lines: list[list] = [
        [f"{name}{year}年就业和社会保障目标完成情况汇总表"],
        [f"行政区划代码：{sub.county}"],
        [f"填报单位：{rep.unit or ''}", None, f"填报人：{rep.person or ''}"],
        [f"电话：{rep.phone or ''}", None, "填报日期：", sub.submitted_on or rep.date],
        ["序号", "指标名称", "计量单位", "完成数"],
    ]
    for ind in scheme.indicators:
        if ind.code in FROM_ROSTERS or ind.code not in sub.values:
            continue
        v = sub.values[ind.code]
        done = (
            float(v.amount)
            if v.amount is not None
            else (v.raw or ("—" if v.status is ValueStatus.NOT_APPLICABLE else None))
        )
        lines.append([len(lines) - 4, ind.name, ind.unit, done])
    lines.append([])
    lines.append(["注：城镇职业技能培训、农村劳动力转移培训、小额贷款见花名册和台帐。"])
    return lines


def _write_xlsx_inline(
    path: Path, summary: list[list], train: list[tuple], loans: list[tuple], title: str, footer: str
) -> None:
    """openpyxl's write-only mode: inline strings, no <dimension>, no styles (not how Excel writes;
    kept as one labelled row of the benchmark)."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(SUMMARY)
    for line in summary:
        ws.append(line)
    ws = wb.create_sheet(TRAINING)
    ws.append([f"{title}职业培训花名册"])
    ws.append(list(TRAINING_HEAD))
    for i, row in enumerate(train, start=1):
        ws.append((i, *row))
    ws.append(())
    ws.append([footer])
    ws = wb.create_sheet(LOANS)
    ws.append([f"{title}小额担保贷款发放台帐"])
    ws.append(list(LOANS_HEAD))
    for i, row in enumerate(loans, start=1):
        ws.append((i, *row))
    stamp = dt.datetime(2008, 1, 1)
    wb.properties.created = wb.properties.modified = stamp
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    tmp.replace(path)


def _write_xlsx(
    path: Path, summary: list[list], train: list[tuple], loans: list[tuple], title: str, footer: str
) -> None:
    """As Excel and WPS write a roster: shared strings, a <dimension>, a styled, merged title row,
    a bold bordered header, every table cell bordered, dates formatted, widths, frozen panes
    (openpyxl's normal mode; the style of each cell copied from one prototype, as openpyxl keeps it)."""
    from copy import copy

    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = openpyxl.Workbook()
    proto = wb.active
    proto["A1"].font = Font(name="宋体", size=16, bold=True)
    proto["A1"].alignment = Alignment(horizontal="center", vertical="center")
    proto["A2"].font = Font(name="宋体", size=11, bold=True)
    proto["A2"].fill = PatternFill("solid", fgColor="D9D9D9")
    proto["A2"].border = box
    proto["A2"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    proto["A3"].font = Font(name="宋体", size=11)
    proto["A3"].border = box
    proto["A4"].font = Font(name="宋体", size=11)
    proto["A4"].border = box
    proto["A4"].number_format = "yyyy-mm-dd"
    styles = {
        k: copy(proto[c]._style) for k, c in (("title", "A1"), ("head", "A2"), ("cell", "A3"), ("date", "A4"))
    }
    wb.remove(proto)

    def put(ws, r: int, values, style: str | None = None) -> None:
        for c, v in enumerate(values, start=1):
            if v is None and style is None:
                continue
            cell = ws.cell(row=r, column=c, value=v)
            if style is not None:
                kind = "date" if style == "cell" and isinstance(v, dt.date) else style
                cell._style = copy(styles[kind])

    ws = wb.create_sheet(SUMMARY)
    put(ws, 1, summary[0], "title")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws.row_dimensions[1].height = 30
    for r, line in enumerate(summary[1:], start=2):
        put(ws, r, line, "cell" if r >= 5 and line else None)
    for col, width in zip("ABCD", (8, 40, 10, 14), strict=True):
        ws.column_dimensions[col].width = width
    for sheet, head, rows, heading, tail, widths in (
        (TRAINING, TRAINING_HEAD, train, f"{title}职业培训花名册", True, (8, 10, 6, 22, 18, 12, 20, 12)),
        (LOANS, LOANS_HEAD, loans, f"{title}小额担保贷款发放台帐", False, (8, 10, 22, 14, 12, 14, 14)),
    ):
        ws = wb.create_sheet(sheet)
        put(ws, 1, [heading], "title")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(head))
        ws.row_dimensions[1].height = 30
        put(ws, 2, head, "head")
        for i, row in enumerate(rows, start=1):
            put(ws, i + 2, (i, *row), "cell")
        if tail:
            put(ws, len(rows) + 4, [footer])
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = width
        ws.freeze_panes = "A3"
    stamp = dt.datetime(2008, 1, 1)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = "Microsoft Excel"
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    shared = path.with_suffix(".sst.tmp")
    shared_strings(tmp, shared)
    tmp.unlink()
    shared.replace(path)


_INLINE = re.compile(
    rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>'
)
_SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def shared_strings(src: Path, dst: Path) -> None:
    """Rewrite an openpyxl .xlsx (openpyxl 3.1 writes every string inline, even in its normal mode)
    with a shared string table, as Excel, WPS and LibreOffice write strings: each string cell
    becomes ``t="s"`` with the index of its text in xl/sharedStrings.xml, in order of first use."""
    index: dict[bytes, int] = {}
    uses = 0

    def ref(m: re.Match) -> bytes:
        nonlocal uses
        uses += 1
        i = index.setdefault(m.group(3), len(index))
        return b"<c " + m.group(1) + b't="s"' + m.group(2) + b"><v>" + str(i).encode() + b"</v></c>"

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = _INLINE.sub(ref, data)
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + _SST_TYPE + b'"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSst" Type="'
                    + _SST_REL
                    + b'" Target="sharedStrings.xml"/></Relationships>',
                )
            zout.writestr(info, data)
        sst = [
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
            % (uses, len(index)),
        ]
        for text in index:
            space = b' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else b""
            sst.append(b"<si><t" + space + b">" + text + b"</t></si>")
        sst.append(b"</sst>")
        info = zipfile.ZipInfo("xl/sharedStrings.xml", date_time=(2008, 1, 1, 0, 0, 0))
        zout.writestr(info, b"".join(sst), zipfile.ZIP_DEFLATED)


def _write_xls(
    path: Path, summary: list[list], train: list[tuple], loans: list[tuple], title: str, footer: str
) -> None:
    """As Excel 97-2003 writes a roster: a shared string table (xlwt writes one), a merged, styled
    title row, a bold bordered header, bordered cells, dates formatted, column widths."""
    import xlwt

    title_style = xlwt.easyxf("font: name 宋体, height 320, bold on; align: horiz center, vert center")
    head_style = xlwt.easyxf(
        "font: name 宋体, bold on; align: horiz center, vert center, wrap on; "
        "borders: left thin, right thin, top thin, bottom thin; pattern: pattern solid, fore_colour gray25"
    )
    cell_style = xlwt.easyxf("font: name 宋体; borders: left thin, right thin, top thin, bottom thin")
    date_style = xlwt.easyxf(
        "font: name 宋体; borders: left thin, right thin, top thin, bottom thin", num_format_str="yyyy-mm-dd"
    )
    wb = xlwt.Workbook(encoding="utf-8")

    def put(ws, r: int, values, style=None) -> None:
        for c, v in enumerate(values):
            if v is None and style is None:
                continue
            if isinstance(v, dt.date):
                ws.write(r, c, v, date_style)
            elif style is not None:
                ws.write(r, c, v, style)
            else:
                ws.write(r, c, v)

    ws = wb.add_sheet(SUMMARY)
    ws.write_merge(0, 0, 0, 3, summary[0][0], title_style)
    for r, line in enumerate(summary[1:], start=1):
        put(ws, r, line, cell_style if r >= 4 and line else None)
    for c, width in enumerate((8, 40, 10, 14)):
        ws.col(c).width = width * 256
    for sheet, head, rows, tail, widths in (
        (TRAINING, TRAINING_HEAD, train, True, (8, 10, 6, 22, 18, 12, 20, 12)),
        (LOANS, LOANS_HEAD, loans, False, (8, 10, 22, 14, 12, 14, 14)),
    ):
        ws = wb.add_sheet(sheet)
        ws.write_merge(0, 0, 0, len(head) - 1, f"{title}{sheet}", title_style)
        put(ws, 1, head, head_style)
        for i, row in enumerate(rows, start=1):
            put(ws, i + 1, (i, *row), cell_style)
        if tail:
            put(ws, len(rows) + 3, [footer])
        for c, width in enumerate(widths):
            ws.col(c).width = width * 256
        ws.set_panes_frozen(True)
        ws.set_horz_split_pos(2)
    tmp = path.with_suffix(".tmp")
    wb.save(str(tmp))
    tmp.replace(path)


#: how a roster is written: as Excel writes .xlsx and .xls, or openpyxl's write-only inline strings
WRITERS = {"xlsx": _write_xlsx, "xls": _write_xls, "xlsx-inline": _write_xlsx_inline}


def _write_roster(job: tuple) -> dict:
    path, kind, code, name, year, n_train, n_loans, sub, scheme_id = job
    from minsheng.scheme import load_scheme

    scheme = load_scheme(scheme_id)
    train, loans, _counts, _total = _rows(code, year, n_train, n_loans)
    summary = _summary_lines(name, sub, scheme, year)
    footer = f"填表人：{sub.reporter.person or ''}"
    path = Path(path)
    WRITERS[kind](path, summary, train, loans, name, footer)
    return {
        "path": str(path),
        "county": code,
        "layout": "roster",
        "format": kind.split("-")[0],
        "writer": kind,
        "rows": len(train) + len(loans),
        "training_rows": len(train),
        "loan_rows": len(loans),
        "largest_sheet_rows": max(len(train), len(loans)) + 4,
    }


def make_province(cache: Path | None = None, *, jobs: int = 2, log=print) -> dict:
    """Write the province into the cache (unless already there); return its manifest."""
    from minsheng.example import example_province
    from minsheng.regions import load_regions
    from minsheng.scheme import load_scheme
    from minsheng.workbooks import form_filename, write_form, write_targets_template

    root = (cache or default_cache()) / f"province-{VERSION}"
    manifest_path = root / "manifest.json"
    if manifest_path.is_file():
        return rebased(json.loads(manifest_path.read_text("utf-8")), root)
    if root.exists():
        shutil.rmtree(root)
    scheme = load_scheme("jiangxi-2007")
    province = example_province(scheme, load_regions())
    targets = province.targets
    subs = sorted(province.submissions, key=lambda s: s.county)
    by_code = {c.code: c for c in targets.counties}
    step = len(subs) / ROSTER_COUNTIES
    roster_codes = [subs[int(i * step)].county for i in range(ROSTER_COUNTIES)]
    root.mkdir(parents=True)
    targets_path = root / "目标任务表.xlsx"
    write_targets_template(scheme, targets_path, targets=targets, findings=province.findings)
    reports = root / "报表"
    files: list[dict] = []
    jobs_list = []
    for sub in subs:
        county = by_code[sub.county]
        folder = reports / county.city_name
        folder.mkdir(parents=True, exist_ok=True)
        if sub.county in roster_codes:
            i = roster_codes.index(sub.county)
            kind, n_train, n_loans = roster_rows(i)
            path = folder / f"{county.code}-{county.name}-{targets.year}年花名册.{kind}"
            jobs_list.append(
                (str(path), kind, county.code, county.name, targets.year, n_train, n_loans, sub, scheme.id)
            )
            continue
        path = write_form(
            scheme,
            folder / form_filename(county, targets.year),
            year=targets.year,
            county=county,
            allocation=targets.allocations[county.code],
            submission=sub,
        )
        files.append(
            {"path": str(path), "county": county.code, "layout": "standard-form", "format": "xlsx", "rows": 0}
        )
    log(f"writing {len(jobs_list)} roster files into {root} (once; cached afterwards) ...")
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for entry in pool.map(_write_roster, jobs_list):
            files.append(entry)
            log(f"  {Path(entry['path']).name}: {entry['rows']:,} rows")
    files.sort(key=lambda e: e["path"])
    manifest = {
        "version": VERSION,
        "root": str(root),
        "targets": str(targets_path),
        "reports": str(reports),
        "year": targets.year,
        "counties": len(targets.counties),
        "files": files,
        "roster_rows": sum(e["rows"] for e in files),
    }
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return manifest


if __name__ == "__main__":
    m = make_province()
    print(f"{len(m['files'])} files, {m['roster_rows']:,} roster rows in {m['root']}")
