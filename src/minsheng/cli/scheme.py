"""``minsheng scheme``: show a scheme, or export it as a file a province can edit."""

from __future__ import annotations

from pathlib import Path

import click

from ..calculators import CALCULATORS
from ..files import atomic_write_text
from ..model import Indicator
from ..scheme import BUILTIN_SCHEMES, SchemeError, builtin_scheme_text, load_scheme
from .common import check_output, fail_usage, force_option, scheme_option


@click.group()
def scheme() -> None:
    """查看或导出考核方案（指标组、指标、分值、计分规则）。"""


@scheme.command("show")
@scheme_option
def show(scheme_source: str) -> None:
    """显示考核方案的指标组、指标、分值和计分规则。"""
    try:
        s = load_scheme(scheme_source)
    except SchemeError as exc:
        fail_usage(exc)
    click.echo(f"{s.name}（{s.id}）  总分 {s.total}  加分上限 {s.bonus_cap}")
    for g in s.groups:
        click.echo(f"{g.code} {g.name}（{g.weight} 分）")
        for i in g.indicators:
            click.echo(f"    {i.code:<6} {i.name}（{i.unit}）  {i.rule.value}  {i.weight} 分")
            for line in policy_lines(i):
                click.echo(f"           {line}")
    bands = "、".join(f"{g.name} ≥ {g.minimum}" for g in sorted(s.grades, key=lambda g: -g.minimum))
    click.echo(f"等次：{bands}")


def policy_lines(ind: Indicator) -> list[str]:
    """政策参数 and defaults of an indicator's calculator, one line each (docs/scheme.md)."""
    calc = CALCULATORS.get(ind.calculator or "")
    if calc is None:
        return []
    params = calc.resolve(ind.calculator_params)
    lines = [
        f"政策测算：{calc.title}；政策参数："
        + "，".join(f"{p.name} {params[p.key]}{p.unit}（{p.key}）" for p in calc.params)
    ]
    names = {i.key: i for i in calc.optional}
    if ind.calculator_defaults:
        lines.append(
            "空白时默认："
            + "，".join(
                f"{names[k].name} {v}{names[k].unit}（{k}）"
                for k, v in ind.calculator_defaults.items()
                if k in names
            )
        )
    return lines


@scheme.command("export")
@click.argument("name", default=BUILTIN_SCHEMES[0], type=click.Choice(BUILTIN_SCHEMES), metavar="方案名")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出文件（.toml）"
)
@force_option
def export(name: str, output: Path, force: bool) -> None:
    """把内置考核方案导出为可编辑的 TOML 文件，修改后用 --scheme 文件 载入。"""
    check_output(output, force, (".toml",))
    atomic_write_text(output, builtin_scheme_text(name))
    click.echo(f"已导出考核方案 {name} 到 {output}", err=True)
