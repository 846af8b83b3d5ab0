"""``minsheng scheme``: show a scheme, or export it as a file a province can edit."""

from __future__ import annotations

from pathlib import Path

import click

from ..calculators import CALCULATORS
from ..files import atomic_write_text
from ..model import Indicator, Scheme
from ..scheme import BUILTIN_SCHEMES, SchemeError, builtin_scheme_text, load_scheme
from .common import check_output, fail_usage, force_option, scheme_option


@click.group()
def scheme() -> None:
    """查看或导出考核方案（指标组、指标、分值、计分规则）。"""


@scheme.command("show")
@scheme_option
@click.option(
    "--aliases",
    is_flag=True,
    help="只列出插件按名称找指标行（列）时能匹配的全部写法：指标代码、名称和每个别名。",
)
def show(scheme_source: str, aliases: bool) -> None:
    """显示考核方案的指标组、指标、分值和计分规则。"""
    try:
        s = load_scheme(scheme_source)
    except SchemeError as exc:
        fail_usage(exc)
    if aliases:
        show_aliases(s)
        return
    click.echo(f"{s.name}（{s.id}）  总分 {s.total}  加分上限 {s.bonus_cap}")
    for g in s.groups:
        click.echo(f"{g.code} {g.name}（{g.weight} 分）")
        for i in g.indicators:
            click.echo(f"    {i.code:<6} {i.name}（{i.unit}）  {i.weight} 分")
            click.echo(f"           {rule_text(i)}（规则 {i.rule.value}）")
            if i.aliases:
                click.echo(f"           别名：{'、'.join(i.aliases)}")
            for line in policy_lines(i):
                click.echo(f"           {line}")
    bands = "、".join(f"{g.name} ≥ {g.minimum}" for g in sorted(s.grades, key=lambda g: -g.minimum))
    click.echo(f"等次：{bands}")
    p = s.progress
    click.echo(
        f"序时进度（月报、季报）：序时进度上下 {p.band} 个百分点以内为按序时，落后 {p.red} 个百分点及以上为严重滞后；"
        f"连续 {p.consecutive} 期滞后列入名单；次月 {p.due_day} 日前报送（[progress]）"
    )


def show_aliases(s: Scheme) -> None:
    """Every text a plugin's table lookup (``indicator_rows``, ``indicator_columns``) matches."""
    from ..sheets import label_key

    click.echo(f"{s.name}（{s.id}）：插件按名称找指标所在的行或列时，认得下面每一种写法。")
    click.echo(
        "比较时不计编号（“1.”“（三）”）、“其中：”、括号中的单位、空格和标点，即按“比较用的写法”一栏比较；"
    )
    click.echo("表中写了指标代码（代码栏，或名称前的“3.2.1”）的，按代码找。")
    for ind in s.indicators:
        for i, name in enumerate((ind.name, *ind.aliases)):
            kind = "名称" if i == 0 else "别名"
            click.echo(f"{ind.code:<8}{kind}：{name}  →  {label_key(name)}")


def _pct(x) -> str:
    return f"{(x * 100).normalize():f}%"


_CONDITIONS = {"ge": "不低于", "le": "不高于", "eq": "等于"}


def rule_text(ind: Indicator) -> str:
    """The indicator's rule in the words of a 考核方案, with the numbers a clerk may edit."""
    w = ind.weight
    rule = ind.rule.value
    if rule == "ratio":
        text = f"按完成比例：得分 = {w} × 完成率（最多 100%）"
        if ind.bonus is not None:
            b = ind.bonus
            text += f"；超额加分：每超过目标 {_pct(b.step)} 加 {b.per_step} 分，最多 {b.cap} 分（step、per_step、cap）"
        return text
    if rule == "steps":
        bands = "，".join(f"完成率 ≥ {_pct(st.at)} 得 {_pct(st.fraction)}" for st in ind.steps)
        return f"阶梯：{bands}（即 {w} 分的相应比例），否则 0 分（steps）"
    if rule == "ceiling":
        return f"上限（越低越好）：不高于目标得 {w} 分；超出目标的，按超出比例扣减，扣完为止"
    if rule == "binary":
        cond = _CONDITIONS.get(ind.condition.value if ind.condition else "ge", "不低于")
        target = f"{ind.threshold}{ind.unit}" if ind.threshold is not None else "本县目标"
        return f"达标：实际{cond} {target} 得 {w} 分，否则 0 分（condition、threshold）"
    if rule == "deduct":
        extra = "；由考核办按收到日期计算，不取县里填报的数" if ind.lateness else ""
        return f"扣分：每 1{ind.unit} 扣 {ind.per_unit} 分，扣完 {w} 分为止（per_unit）{extra}"
    if rule == "veto":
        return "一票否决：有 1 起即定为不合格，排在所有县之后"
    return "只统计、核对，不计分"


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
