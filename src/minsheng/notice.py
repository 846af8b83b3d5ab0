"""The 通报 draft: a Word document (.docx) of a progress run, from a Word template a province restyles.

The template (``templates/docx/notice.docx``, built by scripts/make_notice_template.py) holds
``{字段}`` placeholders in its paragraphs (:func:`notice_fields` lists them; a province may reword the
sentences around them) and two tables whose row holding ``{附件1排名}`` (附件1 综合排名) or
``{附件2县名}`` (附件2 滞后清单) is copied once per county. Every figure comes from the run, the same
one the workbook and the JSON are written from. Only the standard library: the document part is
filled with :mod:`xml.etree.ElementTree` (python-docx would bring lxml, which changes how openpyxl
writes every workbook).
"""

from __future__ import annotations

import copy
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .progress_rules import PRORATED, Progress

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .progress_run import CountyProgress, ProgressRun

PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")
ISSUER = "省民生工程办公室"
NUMERALS = "一二三四五六七八九十"


class NoticeError(Exception):
    """A template that cannot be used; the message is Chinese."""


def _pct(x: Decimal) -> str:
    return f"{(x * 100).quantize(Decimal('0.1'))}%"


def _date(d: Any) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _nth(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def average_ratio(run: ProgressRun) -> Decimal | None:
    """全省平均完成率: the mean completion ratio over every county's cumulative indicators."""
    ratios = [
        i.ratio
        for c in run.counties
        for i in c.indicators
        if i.ratio is not None and run.scheme.indicator(i.code).rule in PRORATED
    ]
    return sum(ratios, Decimal(0)) / len(ratios) if ratios else None


def top_text(run: ProgressRun, places: int = 3) -> str:
    """``第一名东湖区、渝水区（101.00分）；第三名……`` for the ranks up to ``places`` (ties share)."""
    groups: dict[int, list[CountyProgress]] = {}
    for c in run.counties:
        if c.rank is not None and c.rank <= places:
            groups.setdefault(c.rank, []).append(c)
    if not groups:
        return "本期没有可以排名的县（市、区）"
    return "；".join(
        f"第{_nth(rank)}名{'、'.join(c.county.name for c in cs)}（{cs[0].score}分）"
        for rank, cs in sorted(groups.items())
    )


def notice_fields(run: ProgressRun, issuer: str = ISSUER) -> dict[str, str]:
    """Every paragraph placeholder of the template and its text, all from ``run``."""
    from .workbooks.progress import summary_fields

    fields = {k: str(v) for k, v in summary_fields(run).items()}
    scores = [c.score for c in run.counties if c.score is not None]
    average = average_ratio(run)
    statuses = [i.status for c in run.counties for i in c.indicators if i.status is not None]
    ahead = sum(1 for s in statuses if s in (Progress.DONE, Progress.AHEAD))
    on = sum(1 for s in statuses if s is Progress.ON_PACE)
    behind = sum(1 for s in statuses if s.behind)
    far = sum(1 for s in statuses if s is Progress.FAR_BEHIND)
    fields |= {
        "发文单位": issuer,
        "通报日期": _date(run.assessment.assessed_on),
        "平均完成率": _pct(average) if average is not None else "—",
        "平均得分": str((sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"))) if scores else "—",
        "按序时句": f"各县各指标中，已完成或超序时 {ahead} 项次，按序时 {on} 项次，滞后 {behind} 项次"
        f"（其中严重滞后 {far} 项次）。",
        "前三名": top_text(run),
        "滞后县句": _behind_sentence(run),
        "连续滞后句": _streak_sentence(run),
        "报送句": _reporting_sentence(run),
    }
    return fields


def _behind_sentence(run: ProgressRun) -> str:
    most = sorted((c for c in run.counties if c.behind), key=lambda c: (-len(c.behind), c.county.code))
    if not most:
        return "本期没有进度滞后的县（市、区）。"
    names = "、".join(f"{c.county.name}（{len(c.behind)} 项）" for c in most[:10])
    text = f"有 {len(most)} 个县（市、区）存在进度滞后的指标，滞后指标较多的是：{names}。"
    far = [c for c in most if any(i.status is Progress.FAR_BEHIND for i in c.indicators)]
    if far:
        line = run.scheme.progress.red
        text += (
            f"落后序时进度 {line.normalize():f} 个百分点及以上（严重滞后）的有："
            + "、".join(
                f"{c.county.name}（{sum(1 for i in c.indicators if i.status is Progress.FAR_BEHIND)} 项）"
                for c in far
            )
            + "。"
        )
    return text


def _streak_sentence(run: ProgressRun) -> str:
    n = run.scheme.progress.consecutive
    if not run.history:
        return f"（没有上期结果，未统计连续 {n} 期滞后的县。）"
    counts: dict[str, tuple[CountyProgress, int]] = {}
    for c, _code, _k in run.streaks():
        counts[c.county.code] = (c, counts.get(c.county.code, (c, 0))[1] + 1)
    if not counts:
        return f"没有连续 {n} 期及以上进度滞后的县（市、区）。"
    listed = sorted(counts.values(), key=lambda x: (-x[1], x[0].county.code))
    return (
        f"连续 {n} 期及以上进度滞后的有：" + "、".join(f"{c.county.name}（{k} 项）" for c, k in listed) + "。"
    )


def _reporting_sentence(run: ProgressRun) -> str:
    late = [c for c in run.counties if c.state == "逾期"]
    missing = [c for c in run.counties if c.state == "缺报"]
    failed = [c for c in run.counties if c.state == "出错"]
    parts = []
    if late:
        parts.append("未按时报送的：" + "、".join(f"{c.county.name}（逾期 {c.late_days} 天）" for c in late))
    if missing:
        parts.append("未报送的：" + "、".join(c.county.name for c in missing))
    if failed:
        parts.append("报表无法采用的：" + "、".join(c.county.name for c in failed))
    return "；".join(parts) + "。" if parts else "各县（市、区）均按时报送。"


def _change(c: CountyProgress) -> str:
    k = c.rank_change
    return "" if k is None else ("—" if k == 0 else (f"↑{k}" if k > 0 else f"↓{-k}"))


def attachment_rows(run: ProgressRun) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The rows of 附件1 (every county in rank order) and 附件2 (the counties behind, most first)."""
    one = [
        {
            "附件1排名": "—" if c.rank is None else str(c.rank),
            "附件1县名": c.county.name,
            "附件1市名": c.county.city_name,
            "附件1得分": "—" if c.score is None else str(c.score),
            "附件1滞后数": str(len(c.behind)) if c.score is not None else c.state,
            "附件1位次变化": _change(c),
        }
        for c in run.counties
    ]
    most = sorted((c for c in run.counties if c.behind), key=lambda c: (-len(c.behind), c.county.code))
    n = run.scheme.progress.consecutive
    two = []
    for k, c in enumerate(most, start=1):
        far = {i.code for i in c.indicators if i.status is Progress.FAR_BEHIND}
        streak = sorted(code for code, periods in c.streaks.items() if periods >= n)
        two.append(
            {
                "附件2序号": str(k),
                "附件2县名": c.county.name,
                "附件2市名": c.county.city_name,
                "附件2滞后数": str(len(c.behind)),
                "附件2指标": "、".join(code + ("*" if code in far else "") for code in c.behind),
                "附件2连续": f"{len(streak)} 项" if streak else "",
            }
        )
    return one, two


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DOCUMENT = "word/document.xml"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def paragraph_text(p: ET.Element) -> str:
    """The text of a ``w:p`` element (its ``w:t`` pieces joined)."""
    return "".join(t.text or "" for t in p.iter(_w("t")))


def _fill_paragraph(p: ET.Element, fields: Mapping[str, str]) -> None:
    """Replace placeholders in a paragraph; the text goes into its first piece, keeping that run's format."""
    pieces = list(p.iter(_w("t")))
    text = "".join(t.text or "" for t in pieces)
    if "{" not in text:
        return
    pieces[0].text = PLACEHOLDER.sub(lambda m: fields.get(m.group(1), m.group(0)), text)
    pieces[0].set(XML_SPACE, "preserve")
    for t in pieces[1:]:
        t.text = ""


def _fill_rows(body: ET.Element, marker: str, records: list[dict[str, str]]) -> None:
    token = "{" + marker + "}"
    for table in body.iter(_w("tbl")):
        rows = table.findall(_w("tr"))
        template = next((r for r in rows if token in "".join(t.text or "" for t in r.iter(_w("t")))), None)
        if template is None:
            continue
        at = list(table).index(template)
        for k, record in enumerate(records):
            row = copy.deepcopy(template)
            for p in row.iter(_w("p")):
                _fill_paragraph(p, record)
            table.insert(at + k, row)
        table.remove(template)
        return
    raise NoticeError(f"通报模板中找不到含“{token}”的表格行；请按 docs/progress.md 保留附件表格的占位符。")


def _declarations(data: bytes) -> dict[str, str]:
    """prefix → namespace of every declaration in the part (registered so they keep their prefixes)."""
    found: dict[str, str] = {}
    for _event, (prefix, uri) in ET.iterparse(io.BytesIO(data), events=("start-ns",)):
        found.setdefault(prefix, uri)
    return found


def fill_document(
    data: bytes, fields: Mapping[str, str], one: list[dict[str, str]], two: list[dict[str, str]]
) -> bytes:
    """The filled ``word/document.xml`` of a template's ``data``."""
    spaces = _declarations(data)
    for prefix, uri in spaces.items():
        if prefix:
            ET.register_namespace(prefix, uri)
    root = ET.fromstring(data)
    body = root.find(_w("body"))
    if body is None:
        raise NoticeError("通报模板不是 Word 文档（找不到正文）；请用 .docx 格式的模板。")
    _fill_rows(body, "附件1排名", one)
    _fill_rows(body, "附件2县名", two)
    for p in body.iter(_w("p")):
        _fill_paragraph(p, fields)
    out = ET.tostring(root, encoding="unicode")
    head, rest = out.split(">", 1)
    for prefix, uri in sorted(spaces.items()):  # (a prefix only an attribute value names: mc:Ignorable)
        if prefix and f"xmlns:{prefix}=" not in head:
            head += f' xmlns:{prefix}="{uri}"'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + head + ">" + rest).encode("utf-8")


def write_notice(
    run: ProgressRun, path: str | Path, *, template: str | Path | None = None, issuer: str = ISSUER
) -> Path:
    """Write the 通报 draft of ``run`` to ``path`` (atomically, byte-identically); return it.

    ``template`` is a province's restyled copy of ``templates/docx/notice.docx``."""
    from .files import atomic_write_bytes
    from .workbooks._output import normalize_zip, stamp_for

    source = (
        Path(template)
        if template is not None
        else Path(str(resources.files("minsheng") / "templates" / "notice.docx"))
    )
    one, two = attachment_rows(run)
    two = two or [dict.fromkeys(_EMPTY_TWO, "") | {"附件2县名": "无"}]
    buf = io.BytesIO()
    try:
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(buf, "w") as dst:
            for info in src.infolist():
                part = src.read(info.filename)
                if info.filename == DOCUMENT:
                    part = fill_document(part, notice_fields(run, issuer), one, two)
                dst.writestr(info.filename, part)
            if DOCUMENT not in src.namelist():
                raise NoticeError(
                    f"通报模板“{source.name}”不是 Word 文档（没有 {DOCUMENT}）；请用 .docx 格式的模板。"
                )
    except (OSError, zipfile.BadZipFile, ET.ParseError) as exc:
        raise NoticeError(f"通报模板“{source.name}”无法打开（不是有效的 .docx 文件）：{exc}") from None
    stamp = stamp_for(run.assessment.assessed_on, run.period.year)
    path = Path(path)
    atomic_write_bytes(path, normalize_zip(buf.getvalue(), stamp))
    return path


_EMPTY_TWO = ("附件2序号", "附件2县名", "附件2市名", "附件2滞后数", "附件2指标", "附件2连续")

__all__ = [
    "NoticeError",
    "attachment_rows",
    "average_ratio",
    "fill_document",
    "notice_fields",
    "paragraph_text",
    "top_text",
    "write_notice",
]
