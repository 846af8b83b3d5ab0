"""``minsheng template``: write the standard workbooks a province sends out.

``template targets`` writes an empty targets workbook (目标任务表) for a scheme; ``template forms``
writes one prefilled county form (报表) per county of a targets workbook; ``template form``
writes a blank form.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..model import Severity, Targets
from ..scheme import SchemeError, load_scheme
from .common import check_output, fail_usage, force_option, refuse_existing, scheme_option

if TYPE_CHECKING:
    from ..period import Period


@click.group()
def template() -> None:
    """生成标准工作簿：目标任务表、各县报表（预填目标）、空白报表。"""


def _scheme(source: str):
    try:
        return load_scheme(source)
    except SchemeError as exc:
        fail_usage(exc)


template_option = click.option(
    "--template",
    "template_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="省里修改过样式的模板（.xlsx）；默认用内置模板。",
)


@template.command("targets")
@scheme_option
@click.option(
    "--regions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="地区表 CSV（列：county_code,county_name,city_code,city_name，或 县代码,县（市、区）,设区市代码,设区市；UTF-8 或 GBK 均可）；每县生成一行。",
)
@click.option("--year", type=int, default=None, help="年度（默认取考核方案的年度）。")
@template_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出文件（.xlsx）"
)
@force_option
def targets_cmd(
    scheme_source: str,
    regions: Path | None,
    year: int | None,
    template_path: Path | None,
    output: Path,
    force: bool,
) -> None:
    """生成空白的目标任务表（全省合计行、每县一行、每个指标一列，另有“督查发现”表）。"""
    from ..targets import read_regions
    from ..workbooks import TemplateError, write_targets_template

    check_output(output, force)
    scheme = _scheme(scheme_source)
    try:
        counties = read_regions(regions) if regions else []
    except (OSError, ValueError, KeyError) as exc:
        fail_usage(f"无法读取地区表“{regions}”：{exc}")
    if year is None and scheme.year is None:
        fail_usage("考核方案未指定年度，请用 --year 指定。")
    try:
        write_targets_template(scheme, output, counties=counties, year=year, template=template_path)
    except TemplateError as exc:
        fail_usage(str(exc))
    click.echo(f"已生成目标任务表 {output}（{len(counties)} 个县）", err=True)


@template.command("forms")
@scheme_option
@click.option(
    "--targets",
    "targets_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="目标任务表（.xlsx/.xls/.ods）",
)
@click.option("--year", type=int, default=None, help="年度（默认取目标任务表的年度；两者不同则报错）。")
@click.option(
    "--period",
    "period_text",
    default=None,
    metavar="期别",
    help="报告期：月报写 2007-06（1—6月累计），季报写 2007Q2；预填在报表的“报告期”处。默认为年终（1—12月累计）。",
)
@template_option
@click.option(
    "-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True, help="输出目录"
)
@force_option
def forms_cmd(
    scheme_source: str,
    targets_path: Path,
    year: int | None,
    period_text: str | None,
    template_path: Path | None,
    output: Path,
    force: bool,
) -> None:
    """为目标任务表中的每个县生成一份预填了本县目标的报表（--period 给出月报、季报的报告期）。"""
    from ..period import Period, PeriodError
    from ..sheets import SheetError
    from ..targets import read_targets
    from ..workbooks import TemplateError, write_forms

    scheme = _scheme(scheme_source)
    try:
        targets, _findings, problems = read_targets(targets_path, scheme)
    except SheetError as exc:
        fail_usage(exc.message_zh)
    for p in problems:
        where = "，".join(x for x in (p.sheet, p.cell) if x)
        click.echo(
            f"{'错误' if p.severity is Severity.ERROR else '警告'}：[{p.code}] {where} {p.message}", err=True
        )
    if any(p.severity is Severity.ERROR for p in problems):
        fail_usage("目标任务表有错误，请改正后重试。")
    if year is not None and targets.year and year != targets.year:
        fail_usage(f"--year {year} 与目标任务表的年度 {targets.year} 不一致。")
    period = None
    if period_text is not None:
        try:
            period = Period.parse(period_text, year=year or targets.year)
        except PeriodError as exc:
            fail_usage(f"--period：{exc}")
        if period.year != (year or targets.year):
            fail_usage(f"--period {period_text} 的年度与目标任务表的年度 {targets.year} 不一致。")
    _refuse_existing_forms(output, targets, year or targets.year or 0, force, period)
    try:
        paths = write_forms(
            scheme, targets, output, year=year or targets.year, template=template_path, period=period
        )
    except TemplateError as exc:
        fail_usage(str(exc))
    click.echo(f"已为 {len(paths)} 个县生成报表，保存在 {output}", err=True)


@template.command("form")
@scheme_option
@click.option("--year", type=int, default=None, help="年度（默认取考核方案的年度）。")
@template_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出文件（.xlsx）"
)
@force_option
def form_cmd(
    scheme_source: str, year: int | None, template_path: Path | None, output: Path, force: bool
) -> None:
    """生成一份空白报表（县名、代码由县里填写）。"""
    from ..workbooks import TemplateError, write_form

    check_output(output, force)
    scheme = _scheme(scheme_source)
    if year is None and scheme.year is None:
        fail_usage("考核方案未指定年度，请用 --year 指定。")
    try:
        write_form(scheme, output, year=year, template=template_path)
    except TemplateError as exc:
        fail_usage(str(exc))
    click.echo(f"已生成空白报表 {output}", err=True)


def _refuse_existing_forms(
    folder: Path, targets: Targets, year: int, force: bool, period: Period | None = None
) -> None:
    """The counties' forms would replace files already in ``folder`` (maybe filled in): refuse
    without --force, naming them."""
    from ..workbooks.form import form_filename

    names = [form_filename(c, year, period) for c in targets.counties] if folder.is_dir() else []
    existing = [n for n in names if (folder / n).exists()]
    refuse_existing(folder, existing, force, "文件", "（其中可能有已填写的报表）")
