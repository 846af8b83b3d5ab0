"""The plugin host and what a county plugin imports.

A county plugin is a module with functions marked ``@hookimpl``::

    from minsheng.plugins import hookimpl

    @hookimpl
    def minsheng_claim(path, book):
        return 0.9 if "就业报表" in book.sheet_names else None

    @hookimpl
    def minsheng_read(path, book, context):
        ...  # return a minsheng.Submission

The rest of minsheng calls plugins only through :class:`PluginHost` and
:func:`read_county_file`, with the plugins to load given as a :class:`~minsheng.PluginConfig`
value. See ``docs/plugins.md``.
"""

from ..config import PluginConfig
from .context import ReadContext
from .hookspecs import hookimpl, hookspec
from .host import (
    BLOCK_ENV,
    DEFAULT_PLUGINS,
    ENTRY_POINT_GROUP,
    HOOKS,
    STRICT_ENV,
    TRACE_ENV,
    FileMatch,
    PluginError,
    PluginHost,
    PluginInfo,
    ReadResult,
    read_county_file,
)

__all__ = [
    "BLOCK_ENV",
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "HOOKS",
    "STRICT_ENV",
    "TRACE_ENV",
    "FileMatch",
    "PluginConfig",
    "PluginError",
    "PluginHost",
    "PluginInfo",
    "ReadContext",
    "ReadResult",
    "hookimpl",
    "hookspec",
    "read_county_file",
]
