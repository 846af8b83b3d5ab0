"""Render the standard workbooks to PDF with LibreOffice, and the pictures in docs/templates.md.

    python scripts/workbooks_pdf.py --out build/pdf               # PDFs of a demo province
    python scripts/workbooks_pdf.py --out build/pdf --png docs/images
    python scripts/workbooks_pdf.py --out build/pdf --png docs/images --lookback   # and 同比、单项先进

The demo is the bundled example province (100 counties), scored in code with made-up but
plausible results, a prefilled form filled in as a county would, and one 考核评分表. With
``--lookback``, also the example province itself assessed with ``--history examples/历年结果``
(its 综合排名 with 同比 and its 单项先进 sheet; needs the example plugins installed). Needs
``soffice`` (LibreOffice), ``pdftoppm`` and ``pdftotext`` (poppler) and a CJK font (Debian:
fonts-noto-cjk), else the Chinese renders as boxes. Run by ``tox -e pdf``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import shutil
import subprocess
import tempfile
from decimal import Decimal as D
from importlib import resources
from pathlib import Path

from openpyxl import load_workbook

from minsheng import (
    County,
    Finding,
    InputFile,
    Provenance,
    Rule,
    Submission,
    Targets,
    Value,
    load_scheme,
    score,
)
from minsheng.workbooks import write_assessment, write_county_sheets, write_form


def counties() -> list[County]:
    text = resources.files("minsheng").joinpath("data/regions-jiangxi.csv").read_text(encoding="utf-8")
    return [
        County(r["county_code"], r["county_name"], r["city_code"], r["city_name"])
        for r in csv.DictReader(io.StringIO(text))
    ]


def fraction(code: str, indicator: str = "") -> D:
    """A stable made-up completion ratio for a county (0.55 to 1.12), varied a little per indicator."""
    h = int(hashlib.sha256(code.encode()).hexdigest()[:8], 16)
    k = int(hashlib.sha256((code + indicator).encode()).hexdigest()[:8], 16)
    return (D(55 + h % 58) + D(k % 21) - 10) / 100


def demo():  # type: ignore[no-untyped-def]
    scheme = load_scheme()
    cs = counties()
    allocations = {}
    for i, c in enumerate(cs):
        alloc = {}
        for ind in scheme.indicators:
            if ind.needs_target:
                size = 1 + (i % 7)
                alloc[ind.code] = (
                    D("4.5")
                    if ind.code == "2.1"
                    else D(100)
                    if ind.unit == "%"
                    else D("850.00") * size
                    if ind.unit == "万元"
                    else D(1200 * size)
                )
        allocations[c.code] = alloc
    targets = Targets(2007, tuple(cs), allocations)
    subs, inputs = [], []
    for c in cs[:-3]:  # the last three did not report
        f = fraction(c.code)
        file = f"{c.code}-{c.name}-2007年民生工程报表.xlsx"
        values = {}
        for row, ind in enumerate(scheme.indicators, start=8):
            prov = Provenance(
                file=file, sheet="报表", cell=f"E{row}", plugin="standard-form", plugin_version="0.1.0"
            )
            target = allocations[c.code].get(ind.code)
            if ind.rule in (Rule.DEDUCT, Rule.VETO):
                values[ind.code] = Value.of(0 if f > D("0.8") else 1, prov)
            elif ind.rule is Rule.BINARY:
                values[ind.code] = Value.of(ind.threshold, prov)
            elif target is not None and ind.rule is not Rule.CEILING:
                values[ind.code] = Value.of((target * fraction(c.code, ind.code)).quantize(D("0.01")), prov)
            elif target is not None:
                values[ind.code] = Value.of(target, prov)
        subs.append(Submission(c.code, 2007, values, source=Provenance(file=file, plugin="standard-form")))
        inputs.append(
            InputFile(file, hashlib.sha256(file.encode()).hexdigest(), c.code, "standard-form", "0.1.0")
        )
    findings = [
        Finding(cs[5].code, "falsification", 1, "督查发现虚报培训人数"),
        Finding(cs[9].code, "criticized-by-province"),
    ]
    assessment = score(
        scheme, targets, subs, findings=findings, inputs=inputs, assessed_on=dt.date(2008, 1, 20)
    )
    return scheme, targets, assessment


def filled_form(scheme, targets, path: Path) -> None:  # type: ignore[no-untyped-def]
    county = targets.counties[0]
    alloc = targets.allocations[county.code]
    write_form(scheme, path, county=county, allocation=alloc)
    wb = load_workbook(path)
    ws = wb["报表"]
    for r in range(1, ws.max_row + 1):
        key = ws.cell(r, 9).value
        if not key:
            continue
        ind = next((i for i in scheme.indicators if i.code == key), None)
        if ind is None:
            continue
        if ind.rule in (Rule.DEDUCT, Rule.VETO):
            ws.cell(r, 5).value = 0
        elif ind.rule is Rule.BINARY:
            ws.cell(r, 5).value = int(ind.threshold)
        elif alloc.get(key) is not None:
            ws.cell(r, 5).value = float((alloc[key] * D("0.96")).quantize(D("0.01")))
            ws.cell(r, 7).value = float(ind.weight * D("0.95"))
    ws["A3"] = "填报单位（盖章）：东湖区劳动和社会保障局"
    ws["C3"], ws["E3"], ws["G3"] = "填报人：李红", "电话：0791-86543210", "填报日期：2008年1月10日"
    wb.save(path)


def to_pdf(paths: list[Path], out: Path) -> list[Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("需要 LibreOffice（soffice）：apt-get install libreoffice-calc fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, paths),
            ],
            check=True,
            capture_output=True,
        )
    return [out / (p.stem + ".pdf") for p in paths]


def page_with(pdf: Path, text: str) -> int:
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for i, page in enumerate(pages.split("\f"), start=1):
        if text in page.replace(" ", ""):
            return i
    raise SystemExit(f"{pdf} 中找不到“{text}”")


def png(pdf: Path, page: int, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    stem = target.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )


def lookback_book(out: Path) -> Path:
    """The example province's year end looking back at 2006 (``assess --history``)."""
    from minsheng import assess

    root = Path(__file__).resolve().parent.parent / "examples"
    run = assess(
        root / "jiangxi-2007" / "报表",
        root / "jiangxi-2007" / "目标任务表.xlsx",
        deadline=dt.date(2008, 1, 10),
        assessed_on=dt.date(2008, 1, 31),
        history=root / "历年结果",
    )
    return write_assessment(run, out / "考核结果-同比.xlsx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/pdf"))
    parser.add_argument("--png", type=Path, help="also write the docs pictures into this folder")
    parser.add_argument(
        "--lookback", action="store_true", help="also the example looking back (同比、单项先进)"
    )
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    scheme, targets, assessment = demo()
    books = [write_assessment(assessment, scheme, out / "考核结果.xlsx")]
    books += write_county_sheets(assessment, scheme, out / "考核评分表")[:1]
    form = out / "报表-已填.xlsx"
    filled_form(scheme, targets, form)
    books.append(form)
    pdfs = to_pdf(books, out)
    for pdf in pdfs:
        print(pdf)
    if args.png:
        png(pdfs[0], page_with(pdfs[0], "考核综合排名"), args.png / "ranking.png")
        png(pdfs[-1], 1, args.png / "county-form.png")
        png(pdfs[1], 1, args.png / "county-sheet.png")
        print(args.png / "ranking.png", args.png / "county-form.png", args.png / "county-sheet.png", sep="\n")
    if args.lookback:
        (pdf,) = to_pdf([lookback_book(out)], out)
        print(pdf)
        if args.png:
            png(pdf, page_with(pdf, "单项先进和平时考核"), args.png / "lookback.png")
            png(pdf, page_with(pdf, "考核综合排名"), args.png / "ranking-lookback.png")
            print(args.png / "lookback.png", args.png / "ranking-lookback.png", sep="\n")


if __name__ == "__main__":
    main()
