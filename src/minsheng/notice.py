"""The 通报 draft: a Word document (.docx) of a progress run, from a Word template a province restyles.

The template (``templates/docx/notice.docx``, built by scripts/make_notice_template.py) holds
``{字段}`` placeholders in its paragraphs (:func:`notice_fields` lists them; a province may reword the
sentences around them) and two tables whose row holding ``{附件1排名}`` (附件1 综合排名) or
``{附件2县名}`` (附件2 滞后清单) is copied once per county. Every figure comes from the run, the same
one the workbook and the JSON are written from. Needs python-docx (``pip install 'minsheng[notice]'``).
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .progress import PRORATED, Progress

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .progress_run import CountyProgress, ProgressRun

PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")
ISSUER = "省民生工程办公室"
NUMERALS = "一二三四五六七八九十"


class NoticeError(Exception):
    """A template that cannot be used, or python-docx missing; the message is Chinese."""


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


def _fill_paragraph(paragraph: Any, fields: Mapping[str, str]) -> None:
    """Replace placeholders in a paragraph; the text keeps its first run's formatting."""
    runs = paragraph.runs
    text = "".join(r.text for r in runs)
    if "{" not in text:
        return
    filled = PLACEHOLDER.sub(lambda m: fields.get(m.group(1), m.group(0)), text)
    runs[0].text = filled
    for r in runs[1:]:
        r.text = ""


def _row_table(doc: Any, marker: str) -> tuple[Any, Any] | None:
    token = "{" + marker + "}"
    for table in doc.tables:
        for row in table.rows:
            if any(token in cell.text for cell in row.cells):
                return table, row
    return None


def _fill_rows(doc: Any, marker: str, records: list[dict[str, str]]) -> None:
    from docx.table import _Row

    found = _row_table(doc, marker)
    if found is None:
        raise NoticeError(
            f"通报模板中找不到含“{{{marker}}}”的表格行；请按 docs/progress.md 保留附件表格的占位符。"
        )
    table, row = found
    template = row._tr
    for record in records:
        new = copy.deepcopy(template)
        template.addprevious(new)
        for cell in _Row(new, table).cells:
            for p in cell.paragraphs:
                _fill_paragraph(p, record)
    template.getparent().remove(template)


def write_notice(
    run: ProgressRun, path: str | Path, *, template: str | Path | None = None, issuer: str = ISSUER
) -> Path:
    """Write the 通报 draft of ``run`` to ``path`` (atomically, byte-identically); return it."""
    try:
        from docx import Document
    except ImportError:
        raise NoticeError("写出通报需要 python-docx：pip install 'minsheng[notice]'") from None
    from .files import atomic_write_bytes
    from .workbooks._output import normalize_zip, stamp_for

    source = (
        Path(template)
        if template is not None
        else Path(str(resources.files("minsheng") / "templates" / "notice.docx"))
    )
    try:
        doc = Document(io.BytesIO(source.read_bytes()))
    except Exception as exc:  # python-docx raises several kinds for a file that is not .docx
        raise NoticeError(f"通报模板“{source.name}”无法打开（不是有效的 .docx 文件）：{exc}") from None
    one, two = attachment_rows(run)
    _fill_rows(doc, "附件1排名", one)
    _fill_rows(doc, "附件2县名", two or [dict.fromkeys(_EMPTY_TWO, "") | {"附件2县名": "无"}])
    fields = notice_fields(run, issuer)
    for p in doc.paragraphs:
        _fill_paragraph(p, fields)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    _fill_paragraph(p, fields)
    stamp = stamp_for(run.assessment.assessed_on, run.period.year)
    doc.core_properties.created = doc.core_properties.modified = stamp
    data = io.BytesIO()
    doc.save(data)
    path = Path(path)
    atomic_write_bytes(path, normalize_zip(data.getvalue(), stamp))
    return path


_EMPTY_TWO = ("附件2序号", "附件2县名", "附件2市名", "附件2滞后数", "附件2指标", "附件2连续")

__all__ = ["NoticeError", "attachment_rows", "average_ratio", "notice_fields", "top_text", "write_notice"]
