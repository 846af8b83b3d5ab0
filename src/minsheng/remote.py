"""Reading county files on workers that cannot see the office's disk (a Dask cluster).

A Dask worker may run on another machine or in a container: the office's submissions folder does
not exist there. When a run reads through such workers (a Dask executor, or ``remote=True``),
the client sends each worker what it needs instead of a path:

- a local file: its bytes (a file over ``Limits.max_file_bytes`` is refused here, with the same
  ``file-too-large`` problem a local read gives, and never sent);
- a URL (``file://…``, ``memory://…``, ``s3://…``; fsspec): the URL as it is, opened by the worker.

On the worker, :func:`read_sent` writes the bytes to a private temporary folder under the file's
own relative name, reads it under exactly the guard a local read uses
(:func:`minsheng.guard.read_county_file_guarded`: a forked child, time and memory budget), and
removes the folder always. The result names the file as the office named it (the path given, or
the URL), never the worker's temporary path; its sha256 is the bytes'.

:func:`check_worker_plugins` asks every worker at the start which plugins it has, so that a
worker without a county's plugin stops the run before any county is read
(``worker-plugins-differ``) instead of quietly making that county 出错.

Importing this module loads neither fsspec, distributed nor the plugin host.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

import attrs

from .config import PluginConfig
from .errors import InputError
from .limits import Limits
from .model import Problem, Scheme

__all__ = [
    "check_worker_plugins",
    "dask_client",
    "fetch_url",
    "find_urls",
    "plugin_versions",
    "quiet_large_sends",
    "read_sent",
    "url_root",
]


@contextlib.contextmanager
def quiet_large_sends(executor: object, limits: Limits) -> Iterator[None]:
    """Dask warns (in English) about every call that carries more than 10 MB; a county file up to
    the size limit is expected here, so the threshold is raised above it while files are sent."""
    if dask_client(executor) is None:
        yield
        return
    import dask

    threshold = f"{2 * limits.max_file_bytes + (1 << 20)}B"
    with dask.config.set({"distributed.admin.large-graph-warning-threshold": threshold}):
        yield


def dask_client(executor: object) -> Any:
    """The ``distributed.Client`` behind a Dask executor (``Client.get_executor()``), or None."""
    if executor is None or not type(executor).__module__.startswith("distributed"):
        return None
    return getattr(executor, "_client", None)


# ---------------------------------------------------------------------------------------------
# URLs (fsspec, imported only when a URL is given)


def _fsspec() -> Any:
    try:
        import fsspec
    except ImportError:
        raise InputError(
            "bad-argument",
            "读取网址形式的报表（如 file://、s3://）需要安装 fsspec：pip install 'minsheng[dask]'。",
        ) from None
    return fsspec


def url_root(url: str) -> tuple[str, bool]:
    """``url`` in fsspec's own spelling, and whether it is a folder. Raises :class:`InputError`
    (``submissions-not-found``) when it does not exist or cannot be reached."""
    fsspec = _fsspec()
    try:
        fs, path = fsspec.core.url_to_fs(url)
        exists = fs.exists(path)
        folder = exists and fs.isdir(path)
    except (ImportError, ValueError) as exc:  # an unknown protocol, or its package missing
        raise InputError("bad-argument", f"无法读取网址“{url}”：{exc}") from None
    except OSError as exc:
        raise InputError(
            "submissions-not-found", f"无法访问报表网址“{url}”：{exc}；请检查网址和权限。"
        ) from None
    if not exists:
        raise InputError("submissions-not-found", f"找不到报表文件或目录“{url}”；请检查网址。")
    return fs.unstrip_protocol(path.rstrip("/") or path), folder


def find_urls(root: str) -> list[str]:
    """Every file under the URL ``root`` (a folder, recursively; or the file itself), sorted as
    paths are (component by component)."""
    fsspec = _fsspec()
    fs, path = fsspec.core.url_to_fs(root)
    if not fs.isdir(path):
        return [fs.unstrip_protocol(path)]
    found = [fs.unstrip_protocol(p) for p in fs.find(path)]
    return sorted(found, key=lambda u: u.split("/"))


def url_parts(url: str, root: str) -> tuple[str, ...]:
    """The parts of ``url`` below ``root`` (the file's name last)."""
    if url.startswith(root.rstrip("/") + "/"):
        return tuple(p for p in url[len(root.rstrip("/")) + 1 :].split("/") if p)
    return (PurePosixPath(url).name,)


def _too_large(size: int, file: str, limits: Limits) -> Problem:
    from .sheets._prescan import check_size
    from .sheets.errors import SheetError

    try:
        check_size(size, file, limits)
    except SheetError as exc:
        return exc.problem()
    raise AssertionError("not too large")  # pragma: no cover - callers check the size first


def refuse_too_large(size: int, file: str, limits: Limits) -> Problem | None:
    """The ``file-too-large`` problem a local read gives for a file of ``size`` bytes, or None."""
    return _too_large(size, file, limits) if size > limits.max_file_bytes else None


def fetch_url(url: str, limits: Limits) -> tuple[bytes | None, Problem | None]:
    """The bytes at ``url`` (at most ``limits.max_file_bytes``), or the problem why not."""
    from .plugins.returns import describe_error

    try:
        import fsspec
    except ImportError:
        return None, Problem(
            "file-unreadable",
            f"无法打开文件“{url}”：读取它的工作节点没有安装 fsspec；请在每个工作节点上安装 minsheng[dask]。",
            file=url,
        )
    try:
        fs, path = fsspec.core.url_to_fs(url)
        size = fs.size(path)
        if size is not None and (refused := refuse_too_large(int(size), url, limits)) is not None:
            return None, refused
        with fs.open(path, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
    except Exception as exc:  # whatever the file system says: that file's county is 出错
        return None, Problem(
            "file-unreadable",
            f"无法打开文件“{url}”：{describe_error(exc)}。请确认网址正确，且每个工作节点都有权读取它。",
            file=url,
        )
    refused = refuse_too_large(len(data), url, limits)
    return (None, refused) if refused is not None else (data, None)


# ---------------------------------------------------------------------------------------------
# On the worker


def read_sent(
    name: str,
    data: bytes | None,
    *,
    parts: tuple[str, ...],
    scheme_source: str | os.PathLike[str] | Scheme,
    year: int,
    plugins: PluginConfig,
    limits: Limits,
    month: int | None = None,
) -> Any:
    """Read a county file the client sent: ``data`` (its bytes) or, when None, the URL ``name``
    (``month``: a progress report's last month, None at the year end, as for a local read).

    The bytes go to a private temporary folder as ``parts`` (the file's folders below the
    submissions folder, and its name), are read there by
    :func:`~minsheng.guard.read_county_file_guarded` under ``limits``, and the folder is removed.
    The :class:`~minsheng.plugins.reading.ReadResult` names ``name``, never the temporary path.
    """
    from .guard import read_county_file_guarded
    from .plugins.reading import ReadResult

    if data is None:
        data, problem = fetch_url(name, limits)
        if problem is not None:
            return ReadResult(name, None, (problem,))
    assert data is not None  # fetch_url gives the bytes or the problem
    folder = None
    try:
        folder = tempfile.mkdtemp(prefix="minsheng-")
        target = os.path.join(folder, *_safe(parts))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)
        data = None
        result = read_county_file_guarded(
            target, scheme_source=scheme_source, year=year, plugins=plugins, limits=limits, month=month
        )
    except OSError as exc:  # the worker's own disk (full, read-only): only this county fails
        problem = Problem(
            "read-failed",
            f"工作节点无法把“{PurePosixPath(name).name}”写入临时目录（{exc.strerror or exc}），没有读取；"
            "该县按出错处理。请检查该工作节点的临时目录（TMPDIR）的空间和权限后重试。",
            file=name,
        )
        return ReadResult(name, None, (problem,))
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    return swap_text(result, target, name)


def _safe(parts: tuple[str, ...]) -> list[str]:
    """``parts`` without anything that would leave the temporary folder."""
    safe = [p for p in parts if p not in ("", ".", "..") and "/" not in p and "\\" not in p]
    return safe or ["报表.xlsx"]


def swap_text(value: Any, old: str, new: str) -> Any:
    """``value`` (a ReadResult, any attrs value) with ``old`` replaced by ``new`` in every string."""
    if isinstance(value, str):
        return value.replace(old, new) if old in value else value
    if attrs.has(type(value)):
        changes = {}
        for f in attrs.fields(type(value)):
            if not f.init:
                continue
            was = getattr(value, f.name)
            now = swap_text(was, old, new)
            if now is not was:
                changes[f.alias or f.name] = now
        return attrs.evolve(value, **changes) if changes else value
    if isinstance(value, tuple):
        items = tuple(swap_text(v, old, new) for v in value)
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, list):
        return [swap_text(v, old, new) for v in value]
    if isinstance(value, dict):
        out = {k: swap_text(v, old, new) for k, v in value.items()}
        return out if any(out[k] is not value[k] for k in value) else value
    return value


# ---------------------------------------------------------------------------------------------
# The plugins every worker has


def plugin_versions(plugins: PluginConfig) -> tuple[tuple[str, str], ...]:
    """``(name, version)`` of minsheng itself and of every plugin ``plugins`` loads here."""
    from . import __version__
    from .plugins.reading import host_for

    return (("minsheng", __version__), *((i.name, i.version) for i in host_for(plugins).plugins()))


def check_worker_plugins(client: Any, plugins: PluginConfig, *, wait: float = 60.0) -> None:
    """Stop with :class:`InputError` (``worker-plugins-differ``) unless every worker of the Dask
    ``client`` has the same minsheng and plugins (name and version) as this process; with
    ``no-workers`` when the cluster has had no worker for ``wait`` seconds (reads would wait forever)."""
    if not client.scheduler_info().get("workers"):
        try:
            client.wait_for_workers(1, timeout=wait)
        except (TimeoutError, OSError) as exc:
            raise InputError(
                "no-workers",
                f"Dask 调度器 {client.scheduler.address} 在 {wait:g} 秒内没有任何工作节点（dask worker），"
                "未读取任何报表；请先在各台机器上启动 dask worker 并连接到该调度器，再重试。",
            ) from exc
    mine = dict(plugin_versions(plugins))
    answers: Mapping[str, Any] = client.run(plugin_versions, plugins, on_error="return")
    said: list[str] = []
    for address in sorted(answers):
        theirs = answers[address]
        if isinstance(theirs, BaseException):
            said.append(
                f"工作节点 {address} 无法载入 minsheng 和县级插件（{type(theirs).__name__}：{str(theirs)[:300]}）"
            )
            continue
        differ = _differences(mine, dict(theirs))
        if differ:
            said.append(f"工作节点 {address}：" + "；".join(differ))
    if said:
        raise InputError(
            "worker-plugins-differ",
            "Dask 工作节点上的 minsheng 或县级插件与本机不同，未读取任何报表：" + "。".join(said) + "。"
            "请在每个工作节点上安装与本机相同版本的 minsheng 和全部县级插件（minsheng plugins 可列出本机的插件）后重试。",
        )


def _differences(mine: dict[str, str], theirs: dict[str, str]) -> list[str]:
    out = []
    if mine.get("minsheng") != theirs.get("minsheng"):
        out.append(f"minsheng 版本为 {theirs.get('minsheng', '未知')}，本机为 {mine.get('minsheng')}")
    for name in sorted(set(mine) - set(theirs) - {"minsheng"}):
        out.append(f"缺少插件“{name}”（本机版本 {mine[name]}）")
    for name in sorted(set(theirs) - set(mine) - {"minsheng"}):
        out.append(f"有本机没有的插件“{name}”（版本 {theirs[name]}）")
    for name in sorted(set(mine) & set(theirs) - {"minsheng"}):
        if mine[name] != theirs[name]:
            out.append(f"插件“{name}”的版本为 {theirs[name]}，本机为 {mine[name]}")
    return out
