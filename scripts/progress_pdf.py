"""Render the progress workbook and the 通报 draft of the mid-year example to PDF, and the pictures in docs/progress.md.

    python scripts/progress_pdf.py --out build/pdf --png docs/images

Runs ``minsheng.progress`` on examples/jiangxi-2007-06 (with its 历史/), writes the workbook, converts
it and the 通报 draft (.docx) with LibreOffice (Calc and Writer) and renders the first page of 综合排名,
分项进度, 滞后清单 and of the draft (needs ``soffice`` with Writer, ``pdftoppm``, ``pdftotext`` and a
CJK font, as scripts/workbooks_pdf.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from workbooks_pdf import page_with, png, to_pdf

import minsheng
from minsheng.notice import write_notice
from minsheng.workbooks import write_progress

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jiangxi-2007-06"
PAGES = {
    "progress-ranking.png": "民生工程目标任务进度综合排名",
    "progress-items.png": "各县（市、区）分项进度",
    "progress-behind.png": "进度滞后清单",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/pdf"))
    parser.add_argument("--png", type=Path, help="also write the docs pictures into this folder")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    run = minsheng.progress(
        EXAMPLE / "报表",
        EXAMPLE / "目标任务表.xlsx",
        period="2007-06",
        history=EXAMPLE / "历史",
        assessed_on=dt.date(2007, 7, 10),
    )
    book = write_progress(run, args.out / "2007年1-6月进度通报.xlsx")
    notice = write_notice(run, args.out / "2007年1-6月进度通报（草稿）.docx")
    pdf, notice_pdf = to_pdf([book, notice], args.out)
    print(pdf, notice_pdf)
    if args.png:
        for name, text in PAGES.items():
            png(pdf, page_with(pdf, text), args.png / name)
            print(args.png / name)
        png(notice_pdf, 1, args.png / "progress-notice.png")
        print(args.png / "progress-notice.png")


if __name__ == "__main__":
    main()
