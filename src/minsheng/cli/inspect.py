"""``minsheng inspect FILE…``: the plugin author's debugger.

For each file: which plugins looked at it and how sure each was, which one read it, every value
it read with its sheet and cell, the indicators its layout declares, and the problems. ``--json``
gives the same for programs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..model import Problem, Severity, Value
from .plugins import plugins_dir_option


@click.command("inspect")
@click.argument("files", nargs=-1, required=True, metavar="文件…", type=click.Path(path_type=Path))
@plugins_dir_option
@click.option(
    "--scheme",
    "scheme_name",
    default=None,
    metavar="方案",
    help="考核方案：内置方案名或 TOML 文件（默认 jiangxi-2007）。",
)
@click.option("--year", type=int, default=None, metavar="年度", help="报表年度（默认取考核方案的年度）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（供其他程序使用）。")
def inspect_files(
    files: Sequence[Path], plugins_dir: Path | None, scheme_name: str | None, year: int | None, as_json: bool
) -> None:
    """查看插件如何读取报表文件：每个插件认领的把握、由哪个插件读取、读到的每个数值（工作表和单元格）、插件声明的指标，以及发现的问题。

    供插件作者调试插件；--json 输出同样的内容供程序使用。

    有文件没有读出报表时退出码为 1。
    """
    from ..config import PluginConfig
    from ..limits import Limits
    from ..plugins.reading import host_for
    from ..scheme import DEFAULT_SCHEME, SchemeError, load_scheme
    from .common import fail_usage

    try:
        scheme = load_scheme(scheme_name or DEFAULT_SCHEME)
    except SchemeError as exc:
        fail_usage(str(exc))
    year = year or scheme.year or 2007
    host = host_for(PluginConfig.from_env(plugins_dir=plugins_dir))
    limits = Limits.from_env()
    reports = [_inspect(host, Path(f), scheme, year, limits) for f in files]
    if as_json:
        data = {"load_problems": [_problem(p) for p in host.problems], "files": reports}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for p in host.problems:
            click.echo(_line(_problem(p)))
        for report in reports:
            _print(report, scheme)
    if any(r["plugin"] is None or r["county"] is None for r in reports):
        raise SystemExit(1)


def _inspect(host: Any, path: Path, scheme: Any, year: int, limits: Any) -> dict[str, Any]:
    """What happened to one file, as plain data."""
    from ..plugins.reading import close

    report: dict[str, Any] = {
        "file": str(path),
        "claims": [],
        "plugin": None,
        "plugin_version": None,
        "confidence": None,
        "county": None,
        "year": None,
        "month": None,
        "submitted_on": None,
        "title": "",
        "indicators": None,
        "values": [],
        "problems": [],
    }
    book, problems = host.open(path, limits=limits)
    if book is None:
        report["problems"] = [_problem(p) for p in problems]
        return report
    try:
        match = host.claim(path, book)
        report["claims"] = [{"plugin": name, "confidence": level} for name, level in match.claims]
        problems = list(match.problems)
        if match.plugin is not None:
            read = host.read(path, match.plugin, scheme, year, book=book)
            problems.extend(read.problems)
            report.update(
                plugin=read.plugin,
                plugin_version=read.plugin_version,
                confidence=match.confidence,
                title=read.title,
                indicators=list(read.indicators) if read.indicators is not None else None,
            )
            sub = read.submission
            if sub is not None:
                report.update(
                    county=sub.county,
                    year=sub.year,
                    month=sub.month,
                    submitted_on=sub.submitted_on.isoformat() if sub.submitted_on else None,
                    values=[_value(key, v) for key, v in sorted(sub.values.items(), key=_order(scheme))],
                )
    finally:
        close(book)
    report["problems"] = [_problem(p) for p in problems]
    return report


def _order(scheme: Any) -> Any:
    rank = {ind.code: i for i, ind in enumerate(scheme.indicators)}

    def key(item: tuple[str, Value]) -> tuple[int, str]:
        code = item[0]
        return rank.get(code.partition("/")[0], len(rank)), code

    return key


def _value(key: str, v: Value) -> dict[str, Any]:
    p = v.provenance
    return {
        "key": key,
        "status": v.status.value,
        "amount": None if v.amount is None else format(v.amount, "f"),
        "raw": v.raw,
        "sheet": p.sheet,
        "cell": p.cell,
    }


def _problem(p: Problem) -> dict[str, Any]:
    return {
        "code": p.code,
        "severity": p.severity.value,
        "message": p.message,
        "county": p.county,
        "indicator": p.indicator,
        "file": p.file,
        "sheet": p.sheet,
        "cell": p.cell,
        "plugin": p.plugin,
    }


_STATUS = {"reported": "", "not-applicable": "不适用", "missing": "缺报（空白）"}


def _line(p: dict[str, Any]) -> str:
    from ..problems import SEVERITY_LABELS, title

    where = "，".join(x for x in (p["sheet"], p["cell"]) if x)
    label = SEVERITY_LABELS[Severity(p["severity"])]
    return f"    [{label}] {p['code']}（{title(p['code'])}）  {where}  {p['message']}"


def _print(report: dict[str, Any], scheme: Any) -> None:
    click.echo(f"文件：{report['file']}")
    if report["claims"]:
        shown = []
        for c in report["claims"]:
            level = "不认领" if c["confidence"] is None else f"把握 {c['confidence']:g}"
            mark = "，读取" if c["plugin"] == report["plugin"] else ""
            shown.append(f"{c['plugin']}（{level}{mark}）")
        click.echo(f"  认领：{'、'.join(shown)}")
    if report["plugin"] is None:
        click.echo("  读取：没有插件读取该文件")
    else:
        click.echo(
            f"  读取：插件“{report['plugin']}”（版本 {report['plugin_version']}，把握 {report['confidence']:g}）"
        )
    if report["county"] is not None:
        date = f"，报出日期 {report['submitted_on']}" if report["submitted_on"] else ""
        click.echo(f"  县：{report['county']}，{report['year']} 年 {report['month']} 月{date}")
        if report["title"]:
            click.echo(f"  标题：{report['title']}")
        declared = report["indicators"]
        every = [ind.code for ind in scheme.indicators]
        if declared is None or sorted(declared) == sorted(every):
            click.echo(f"  含有的指标：全部 {len(every)} 个（完整报表）")
        else:
            click.echo(f"  含有的指标：{'、'.join(declared) or '无'}（只含部分指标，与本县其他文件合并评分）")
        click.echo(f"  读到的数值（{len(report['values'])} 个）：")
        for v in report["values"]:
            code = v["key"].partition("/")[0]
            try:
                ind = scheme.indicator(code)
                name, unit = ind.name, ind.unit
            except KeyError:
                name, unit = "（方案中没有）", ""
            value = f"{v['amount']} {unit}".strip() if v["amount"] is not None else _STATUS[v["status"]]
            if v["raw"] and v["amount"] is None:
                value += f"（原文“{v['raw']}”）"
            where = "，".join(
                x
                for x in (
                    f"工作表 {v['sheet']}" if v["sheet"] else "",
                    f"单元格 {v['cell']}" if v["cell"] else "",
                )
                if x
            )
            click.echo(f"    {v['key']}  {name}  {value}  {where}")
    click.echo(f"  问题（{len(report['problems'])} 个）：" if report["problems"] else "  问题：无")
    for p in report["problems"]:
        click.echo(_line(p))
    click.echo("")
