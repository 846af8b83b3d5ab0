"""Pieces shared by the subcommands: options, usage failures, atomic writes."""

from __future__ import annotations

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


def fail_usage(exc: SchemeError | str) -> NoReturn:
    """Print a Chinese message (with codes) to stderr and exit 2."""
    message = str(exc)
    click.echo(f"错误：{message}", err=True)
    raise SystemExit(2)
