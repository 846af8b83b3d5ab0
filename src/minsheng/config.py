"""Which plugins a run loads, as a frozen value that travels with every read.

A :class:`PluginConfig` is handed to :func:`minsheng.assess` and from there, explicitly, to every
read of a county file: in this process, in a ``ProcessPoolExecutor`` worker or on a Dask worker.
It is hashable (each process keeps one plugin host per value) and picklable when the plugin
objects it names are (module names always are). Only the command line reads the environment
variables (:meth:`PluginConfig.from_env`); the library never does.

Nothing here imports pluggy or the plugin host.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from attrs import field, frozen

#: ``1`` makes a plugin's exception or unusable return stop the run (command line only).
STRICT_ENV = "MINSHENG_STRICT_PLUGINS"
#: ``name1,name2``: plugins not to load (command line only).
BLOCK_ENV = "MINSHENG_BLOCK_PLUGINS"
#: ``1`` prints every hook call to stderr (command line only).
TRACE_ENV = "MINSHENG_TRACE_PLUGINS"

_TRUE = {"1", "true", "yes", "on"}


def _optional_path(value: str | os.PathLike[str] | None) -> str | None:
    return None if value is None else os.fspath(value)


def _names(value: Iterable[str] | str) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    return tuple(name.strip() for name in items if name and name.strip())


def _as_tuple(items: Iterable[object]) -> tuple[object, ...]:
    return tuple(items)


@frozen
class PluginConfig:
    """The plugins a run loads and how they are called.

    - ``plugins_dir``: a folder of loose ``.py`` plugins (``--plugins-dir``).
    - ``plugins``: more plugins, each a module name (``"my_county.plugin"``, imported where the
      read runs), an object with ``@hookimpl`` functions, or a ``(name, object)`` pair. Objects
      must be picklable to reach a worker process; module names always travel.
    - ``strict``: a plugin's import error, exception or unusable return is raised, not reported.
    - ``blocked``: names of plugins not to load (built-in, installed or loose).
    - ``trace``: print every hook call (name, arguments, result) to stderr.
    - ``defaults``, ``entry_points``: load the built-in plugins and the installed ones (group
      ``minsheng``); tests switch them off to see one plugin alone.
    """

    plugins_dir: str | None = field(default=None, converter=_optional_path)
    plugins: tuple[object, ...] = field(default=(), converter=_as_tuple)
    strict: bool = False
    blocked: tuple[str, ...] = field(default=(), converter=_names)
    trace: bool = False
    defaults: bool = True
    entry_points: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **values: object) -> PluginConfig:
        """The command line's settings: ``MINSHENG_STRICT_PLUGINS``, ``MINSHENG_BLOCK_PLUGINS`` and
        ``MINSHENG_TRACE_PLUGINS`` from ``environ`` (default ``os.environ``), then ``values``."""
        env = os.environ if environ is None else environ
        flag = {name: env.get(name, "").strip().lower() in _TRUE for name in (STRICT_ENV, TRACE_ENV)}
        read = {"strict": flag[STRICT_ENV], "trace": flag[TRACE_ENV], "blocked": env.get(BLOCK_ENV, "")}
        return cls(**{**read, **values})  # type: ignore[arg-type]


__all__ = ["BLOCK_ENV", "STRICT_ENV", "TRACE_ENV", "PluginConfig"]
