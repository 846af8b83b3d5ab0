"""Reading one county file: open it once, let the plugins claim it, read it with the winner.

:func:`read_county_file` is the function a worker runs (under :mod:`minsheng.guard`): its
arguments and its :class:`ReadResult` are picklable, and the settings that decide the read (a
:class:`~minsheng.config.PluginConfig`, the :class:`~minsheng.limits.Limits`) come as arguments,
never from the environment. Each process keeps one plugin host per PluginConfig value and one
scheme per source, so a worker loads them once however many files it reads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import evolve, frozen

from ..config import PluginConfig
from ..limits import Limits
from ..model import Problem, Scheme, Submission

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .host import PluginHost


@frozen
class ReadResult:
    """One file read by one plugin: the submission (``None`` if it could not be read), the
    problems found on the way (each naming the file and the plugin), and the file's sha256 for
    the cover sheet. Picklable, for worker processes."""

    path: str
    submission: Submission | None
    problems: tuple[Problem, ...] = ()
    plugin: str | None = None
    plugin_version: str | None = None
    sha256: str | None = None
    confidence: float | None = None
    #: the indicator codes the plugin says its layout carries (``minsheng_indicators``), sorted;
    #: ``None``: a full report, every indicator of the scheme
    indicators: tuple[str, ...] | None = None
    #: the title of the sheet the submission came from (its first text in the top rows), for
    #: telling a correction (更正, 修订) from the report it corrects
    title: str = ""

    @property
    def ok(self) -> bool:
        """Whether a submission was read (problems may still be attached)."""
        return self.submission is not None

    @property
    def version(self) -> str | None:
        """The plugin's version (same as ``plugin_version``)."""
        return self.plugin_version

    @property
    def file(self) -> str:
        """The input path as given (same as ``path``)."""
        return self.path


def sha256_or_none(path: str | os.PathLike[str]) -> str | None:
    """The file's sha256, or ``None`` when it cannot be read at all."""
    from ..files import sha256_file

    try:
        return sha256_file(path)
    except OSError:
        return None


_HOSTS: dict[PluginConfig, PluginHost] = {}
_SCHEMES: dict[str, Scheme] = {}


def host_for(config: PluginConfig) -> PluginHost:
    """This process's plugin host for ``config`` (loaded on first use)."""
    host = _HOSTS.get(config)
    if host is None:
        from .host import PluginHost

        host = _HOSTS[config] = PluginHost.from_config(config)
    return host


def scheme_for(source: str | os.PathLike[str] | Scheme) -> Scheme:
    """The scheme named by ``source`` (loaded once per process), or ``source`` itself."""
    if isinstance(source, Scheme):
        return source
    key = os.fspath(source)
    if key not in _SCHEMES:
        from ..scheme import load_scheme

        _SCHEMES[key] = load_scheme(source if isinstance(source, str) else Path(source))
    return _SCHEMES[key]


def plugin_config(
    plugins: PluginConfig | None, plugins_dir: str | os.PathLike[str] | None = None
) -> PluginConfig:
    """``plugins``, or the default PluginConfig with ``plugins_dir`` (the older argument)."""
    if plugins is not None:
        return plugins
    return PluginConfig(plugins_dir=plugins_dir)


def read_county_file(
    path: str | os.PathLike[str],
    plugin_name: str | None = None,
    *,
    scheme_source: str | os.PathLike[str] | Scheme = "jiangxi-2007",
    year: int,
    plugins: PluginConfig | None = None,
    plugins_dir: str | os.PathLike[str] | None = None,
    limits: Limits | None = None,
    month: int | None = None,
) -> ReadResult:
    """Read one county file in this process: the function to hand to an executor.

    ``plugins`` (default: ``PluginConfig(plugins_dir=plugins_dir)``) says which plugins read it;
    ``limits`` (default: ``Limits()``) what opening it may cost. With ``plugin_name=None`` the
    file is matched here too, so it is opened (and hashed) only once. The host's own load
    problems (a plugin that failed to import) are not repeated in each result: a run reports
    :attr:`PluginHost.problems` once. ``month``: the period's last month (None: the year end),
    passed to the plugin in its context.
    """
    host = host_for(plugin_config(plugins, plugins_dir))
    scheme = scheme_for(scheme_source)
    limits = limits or Limits()
    path = Path(path)
    digest = sha256_or_none(path)
    if plugin_name is not None:
        return host.read(path, plugin_name, scheme, year, sha256=digest, limits=limits, month=month)
    book, problems = host.open(path, limits=limits)
    if book is None:
        return ReadResult(str(path), None, tuple(problems), sha256=digest)
    try:
        m = host.claim(path, book)
        if m.plugin is None:
            return ReadResult(str(path), None, m.problems, sha256=digest, confidence=m.confidence)
        result = host.read(path, m.plugin, scheme, year, book=book, sha256=digest, month=month)
    finally:
        close(book)
    return evolve(result, problems=m.problems + result.problems, confidence=m.confidence)


def close(book: object) -> None:
    """Close a workbook a plugin was given (anything with a ``close``)."""
    closer = getattr(book, "close", None)
    if callable(closer):
        closer()


__all__ = ["ReadResult", "host_for", "plugin_config", "read_county_file", "scheme_for", "sha256_or_none"]
