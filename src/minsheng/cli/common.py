"""Pieces shared by the subcommands: options, usage failures, atomic writes."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from ..scheme import DEFAULT_SCHEME, SchemeError

scheme_option = click.option(
    "--scheme",
    "scheme_source",
    default=DEFAULT_SCHEME,
    show_default=True,
    metavar="方案",
    help="考核方案：内置方案名，或 TOML 方案文件路径。",
)


force_option = click.option(
    "--force", is_flag=True, default=False, help="输出文件已存在时替换它（默认不覆盖，退出码 2）。"
)


def check_output(path: Path | None, force: bool, suffixes: tuple[str, ...] = (".xlsx",)) -> None:
    """Refuse an output up front (it exists without --force, a wrong extension, a missing or
    read-only folder, open in Excel/WPS): one Chinese sentence on stderr and exit 2."""
    from ..files import OutputError
    from ..files import check_output as check

    if path is None:
        return
    try:
        check(path, force=force, suffixes=suffixes)
    except OutputError as exc:
        fail_usage(str(exc))


def refuse_existing(folder: Path | None, names: list[str], force: bool, what: str, note: str = "") -> None:
    """Refuse (exit 2) to write into ``folder`` over ``names`` already there, without --force."""
    if folder is None or force or not names:
        return
    more = f"等 {len(names)} 个{what}" if len(names) > 1 else ""
    fail_usage(
        f"[output-exists] 目录“{folder}”中已有“{names[0]}”{more}，未覆盖{note}。要替换它们，请加 --force；或换一个目录。"
    )


def fail_usage(exc: SchemeError | str) -> NoReturn:
    """Print a Chinese message (with codes) to stderr and exit 2."""
    message = str(exc)
    click.echo(f"错误：{message}", err=True)
    raise SystemExit(2)
