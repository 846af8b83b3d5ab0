"""Build the Word template of the progress 通报 draft (notice.docx), restyled by a province in Word.

    python scripts/make_notice_template.py            # writes templates/docx/ and src/minsheng/templates/
    python scripts/make_notice_template.py --out DIR  # writes DIR only (a test compares it with both)

Placeholders ``{字段}`` in paragraphs are filled with the run's figures (docs/progress.md lists them);
a table row holding ``{附件1排名}`` (附件1 综合排名) or ``{附件2县名}`` (附件2 滞后清单) is copied once per
county. A province may reword the sentences, restyle and move things freely in Word, keeping the
placeholders. The file is plain WordprocessingML written here with the standard library (no
python-docx, no lxml: lxml would change how openpyxl writes every workbook). Byte-identical from run
to run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from minsheng.files import atomic_write_bytes
from minsheng.workbooks._output import normalize_zip

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = (ROOT / "templates" / "docx", ROOT / "src" / "minsheng" / "templates")
STAMP = dt.datetime(2007, 1, 1)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BODY, TITLE, HEI, SONG = "仿宋", "方正小标宋简体", "黑体", "宋体"


def run(text: str, font: str = BODY, size: float = 16, bold: bool = False) -> str:
    half = int(size * 2)
    return (
        f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>'
        + ("<w:b/>" if bold else "")
        + f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )


def para(
    text: str,
    *,
    font: str = BODY,
    size: float = 16,
    align: str | None = None,
    indent: int = 2,
    page_break: bool = False,
    bold: bool = False,
) -> str:
    props = ['<w:spacing w:line="560" w:lineRule="exact"/>']
    if page_break:
        props.insert(0, "<w:pageBreakBefore/>")
    if indent:
        props.append(f'<w:ind w:firstLineChars="{indent * 100}" w:firstLine="{int(indent * size * 20)}"/>')
    if align:
        props.append(f'<w:jc w:val="{align}"/>')
    return f"<w:p><w:pPr>{''.join(props)}</w:pPr>{run(text, font, size, bold)}</w:p>"


def table(header: list[str], row: list[str], widths: list[int]) -> str:
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)

    def tr(texts: list[str], bold: bool, header_row: bool) -> str:
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{run(t, SONG, 10.5, bold)}</w:p></w:tc>'
            for t, w in zip(texts, widths, strict=True)
        )
        head = "<w:trPr><w:tblHeader/></w:trPr>" if header_row else ""
        return f"<w:tr>{head}{cells}</w:tr>"

    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{border}</w:tblBorders></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
        f"{tr(header, True, True)}{tr(row, False, False)}</w:tbl>"
    )


def document() -> str:
    body = [
        para("{发文单位}", font=TITLE, size=22, align="center", indent=0),
        para("关于{期别}全省民生工程目标任务进度情况的通报", font=TITLE, size=22, align="center", indent=0),
        para("各设区市、县（市、区）民生工程办公室：", indent=0),
        para("根据{方案名称}，现将截至{期末}全省民生工程目标任务完成情况通报如下（序时进度 {序时进度}）。"),
        para("一、总体情况", font=HEI),
        para(
            "全省 {县数} 个县（市、区）中，{已报数} 个按规定报送了{期别标签}报表，其中逾期报送 {逾期数} 个；"
            "未报送 {缺报数} 个，报表无法采用 {出错数} 个。全省平均完成率 {平均完成率}，平均综合进度得分 {平均得分} 分；"
            "{按序时句}"
        ),
        para("二、进度排名", font=HEI),
        para("按综合进度得分排名，{前三名}。各县排名见附件1。"),
        para("三、进度滞后的县（市、区）", font=HEI),
        para("{滞后县句}各县滞后的指标见附件2。"),
        para("{连续滞后句}"),
        para("四、报送情况", font=HEI),
        para("{报送句}"),
        para(
            "请进度滞后的县（市、区）认真分析原因，采取有力措施，加快工作进度，确保完成全年目标任务。"
            "未按时报送的县（市、区）要加强统计报送工作，按时、准确报送报表。"
        ),
        para("附件：1. {期别}各县（市、区）综合进度排名"),
        para("2. {期别}进度滞后清单", indent=5),
        para("{发文单位}", align="right", indent=0),
        para("{通报日期}", align="right", indent=0),
        para("附件1", font=HEI, indent=0, page_break=True),
        para("{期别}各县（市、区）综合进度排名", font=TITLE, size=18, align="center", indent=0),
        table(
            ["排名", "县（市、区）", "设区市", "综合进度得分", "滞后指标", "较上期"],
            ["{附件1排名}", "{附件1县名}", "{附件1市名}", "{附件1得分}", "{附件1滞后数}", "{附件1位次变化}"],
            [900, 1800, 1500, 1700, 1300, 1200],
        ),
        para("附件2", font=HEI, indent=0, page_break=True),
        para("{期别}进度滞后清单", font=TITLE, size=18, align="center", indent=0),
        table(
            ["序号", "县（市、区）", "设区市", "滞后指标数", "滞后的指标（严重滞后的加 *）", "连续滞后"],
            ["{附件2序号}", "{附件2县名}", "{附件2市名}", "{附件2滞后数}", "{附件2指标}", "{附件2连续}"],
            [700, 1400, 1200, 1100, 3000, 1000],
        ),
    ]
    section = (
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/>'
        "</w:sectPr>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}"><w:body>{"".join(body)}{section}</w:body></w:document>'
    )


PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/>'
        "</Relationships>"
    ),
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>民生工程目标任务进度通报</dc:title><dc:creator>minsheng</dc:creator>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2007-01-01T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2007-01-01T00:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    ),
}


def notice_template() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in [*PARTS.items(), ("word/document.xml", document())]:
            z.writestr(name, text.encode("utf-8"))
    return normalize_zip(buf.getvalue(), STAMP)


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
