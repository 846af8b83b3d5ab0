"""Build the Word template of the progress 通报 draft (notice.docx), restyled by a province in Word.

    python scripts/make_notice_template.py            # writes templates/docx/ and src/minsheng/templates/
    python scripts/make_notice_template.py --out DIR  # writes DIR only

Placeholders ``{字段}`` in paragraphs are filled with the run's figures (docs/progress.md lists them);
a table row holding ``{附件1排名}`` (附件1 综合排名) or ``{附件2县名}`` (附件2 滞后清单) is copied once per
county. A province may reword the sentences, restyle and move things freely, keeping the placeholders.
Output is byte-identical from run to run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from minsheng.files import atomic_write_bytes
from minsheng.workbooks._output import normalize_zip

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = (ROOT / "templates" / "docx", ROOT / "src" / "minsheng" / "templates")
STAMP = dt.datetime(2007, 1, 1)
BODY = "仿宋"
TITLE = "方正小标宋简体"


def _font(run, name: str, size: float, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def para(
    doc, text: str, *, size: float = 16, font: str = BODY, bold: bool = False, align=None, indent: bool = True
):  # type: ignore[no-untyped-def]
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    _font(p.add_run(text), font, size, bold)
    return p


def table(doc, header: list[str], row: list[str]):  # type: ignore[no-untyped-def]
    t = doc.add_table(rows=2, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cells, texts, bold in ((t.rows[0].cells, header, True), (t.rows[1].cells, row, False)):
        for cell, text in zip(cells, texts, strict=True):
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(text), "宋体", 10.5, bold)
    return t


def notice_template() -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Cm(3.7 - 0.8)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    para(doc, "{发文单位}", size=22, font=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(
        doc,
        "关于{期别}全省民生工程目标任务进度情况的通报",
        size=22,
        font=TITLE,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    para(doc, "各设区市、县（市、区）民生工程办公室：", indent=False)
    para(
        doc,
        "根据{方案名称}，现将截至{期末}全省民生工程目标任务完成情况通报如下（序时进度 {序时进度}）。",
    )
    para(doc, "一、总体情况", font="黑体")
    para(
        doc,
        "全省 {县数} 个县（市、区）中，{已报数} 个按规定报送了{期别标签}报表，其中逾期报送 {逾期数} 个；未报送 {缺报数} 个，"
        "报表无法采用 {出错数} 个。全省平均完成率 {平均完成率}，平均综合进度得分 {平均得分} 分；{按序时句}",
    )
    para(doc, "二、进度排名", font="黑体")
    para(doc, "按综合进度得分排名，{前三名}。各县排名见附件1。")
    para(doc, "三、进度滞后的县（市、区）", font="黑体")
    para(doc, "{滞后县句}各县滞后的指标见附件2。")
    para(doc, "{连续滞后句}")
    para(doc, "四、报送情况", font="黑体")
    para(doc, "{报送句}")
    para(
        doc,
        "请进度滞后的县（市、区）认真分析原因，采取有力措施，加快工作进度，确保完成全年目标任务。"
        "未按时报送的县（市、区）要加强统计报送工作，按时、准确报送报表。",
    )
    para(doc, "附件：1. {期别}各县（市、区）综合进度排名", indent=True)
    para(doc, "2. {期别}进度滞后清单", indent=True).paragraph_format.first_line_indent = Pt(16 * 5)
    para(doc, "{发文单位}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    para(doc, "{通报日期}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    doc.paragraphs[-1].runs[-1].add_break(WD_BREAK.PAGE)
    para(doc, "附件1", font="黑体", indent=False)
    para(
        doc,
        "{期别}各县（市、区）综合进度排名",
        size=18,
        font=TITLE,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    table(
        doc,
        ["排名", "县（市、区）", "设区市", "综合进度得分", "滞后指标", "较上期"],
        ["{附件1排名}", "{附件1县名}", "{附件1市名}", "{附件1得分}", "{附件1滞后数}", "{附件1位次变化}"],
    )
    p = para(doc, "附件2", font="黑体", indent=False)
    p.paragraph_format.page_break_before = True
    para(doc, "{期别}进度滞后清单", size=18, font=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    table(
        doc,
        ["序号", "县（市、区）", "设区市", "滞后指标数", "滞后的指标（严重滞后的加 *）", "连续滞后"],
        ["{附件2序号}", "{附件2县名}", "{附件2市名}", "{附件2滞后数}", "{附件2指标}", "{附件2连续}"],
    )
    doc.core_properties.title = "民生工程目标任务进度通报"
    doc.core_properties.author = "minsheng"
    doc.core_properties.created = doc.core_properties.modified = STAMP
    doc.core_properties.revision = 1
    data = io.BytesIO()
    doc.save(data)
    return normalize_zip(data.getvalue(), STAMP)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write into this folder only")
    args = parser.parse_args()
    data = notice_template()
    for directory in [args.out] if args.out else OUTPUTS:
        atomic_write_bytes(directory / "notice.docx", data)
        print(directory / "notice.docx")


if __name__ == "__main__":
    main()
