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


def fail_usage(exc: SchemeError | str) -> NoReturn:
    """Print a Chinese message (with codes) to stderr and exit 2."""
    message = str(exc)
    click.echo(f"错误：{message}", err=True)
    raise SystemExit(2)
