"""Reading one county file under a time and memory budget, in a forked reading worker.

A county file is untrusted and a plugin may be buggy: a read that hangs, eats memory or crashes
the interpreter (a stack overflow, an allocation failure in the Rust reader) must cost only its
own county. :func:`read_county_file_guarded` hands the file to a reading worker, a child forked
from this process and kept for the next files; for each file the worker sets its
``RLIMIT_AS``/``RLIMIT_DATA`` afresh (the budget above what it holds when the file starts) and
its ``RLIMIT_CPU`` (the CPU time it has used plus the budget), runs
:func:`minsheng.plugins.reading.read_county_file` and sends the
:class:`~minsheng.plugins.reading.ReadResult` back over a pipe. The parent waits at most the time
budget and kills the worker when it is up; a worker that ran out of time or memory, crashed or
raised is never used again, nor one that a file left 32 MB larger (so that a reading process stays
bounded by the largest file): the next file gets a new one. Every way of failing becomes a
ReadResult with a problem (``time-budget``, ``memory-budget``, ``read-crashed``), never an
exception. A worker is used by the thread that forked it only (Linux ends a child with the thread
that forked it) and only by this process (a process forked from this one forgets its workers).

The settings that decide the read travel as values: a :class:`~minsheng.config.PluginConfig`
and the :class:`~minsheng.limits.Limits` are arguments (pickled to a worker with the call,
and to the reading worker with each file), never environment variables.

It forks from wherever it runs: inline, in a ``ProcessPoolExecutor`` worker or in a Dask
worker. The plugin host, the scheme and the readers are loaded once in the forking process, so
each worker starts warm (a fork per file cost about 10 ms a file, the copy-on-write of the pages a
new child touches; a kept worker costs a pipe round trip; see docs/security.md). Where there is
no ``fork`` (Windows), the read runs inline with the size limits only.
"""

from __future__ import annotations

import os
import pickle
import selectors
import signal
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

from attrs import evolve

from .config import PluginConfig
from .limits import Limits
from .model import Problem, Scheme, Severity
from .plugins.reading import ReadResult, plugin_config, read_county_file, sha256_or_none
from .proclimits import join_parent, load_libc
from .readers import idle, retire, spawn_worker, take_worker, write_all

#: Stable codes of the problems the guard gives.
GUARD_CODES = (
    "time-budget",  # the read took longer than Limits.time_budget and was stopped
    "memory-budget",  # the read needed more memory than Limits.memory_budget and was stopped
    "read-crashed",  # the process reading the file died (a crash in a reader or a plugin)
)

_CAN_FORK = hasattr(os, "fork") and sys.platform != "win32"
_ALLOC_FAILED = b"memory allocation of"  # what Rust prints before it aborts on an allocation failure
_KEEP_STDERR = 64 << 10
_warm: set[tuple[object, ...]] = set()
#: Held while this process warms up, and from making a read's pipes until the parent has closed
#: their write ends after the fork: a child forked by another thread (a Dask worker runs several
#: reads at once) must not inherit this read's write ends, or this read waits for that child's
#: end instead of its own (a good county failed with ``time-budget`` beside a slow one).
_fork_lock = threading.Lock()


def _warm_up(scheme_source: str | os.PathLike[str] | Scheme, plugins: PluginConfig) -> None:
    """Load in this process what every child needs, so that each fork starts warm."""
    key = (
        id(scheme_source) if isinstance(scheme_source, Scheme) else os.fspath(scheme_source),
        plugins,
    )
    if key in _warm:
        return
    load_libc()
    from .plugins import reading

    reading.host_for(plugins)
    reading.scheme_for(scheme_source)
    import python_calamine  # noqa: F401

    from . import files, sheets  # noqa: F401
    from .sheets import county, idcard, layouts, reporter, roster, tables, text  # noqa: F401 (loaded lazily)
    from .workbooks import form  # noqa: F401

    files.sha256_file(__file__)  # hashlib's lazily loaded parts
    try:  # one read of the bundled form template fills the readers' caches (compiled patterns, labels)
        # the bundled form by its path, not through minsheng.workbooks.template_path, whose module
        # imports openpyxl (about 0.1 s), which no reader needs
        from importlib import resources

        form_path = Path(str(resources.files("minsheng") / "templates" / "form.xlsx"))
        read_county_file(form_path, None, scheme_source=scheme_source, year=2000, plugins=plugins)
    except Exception:
        pass

    _warm.add(key)


def read_county_file_guarded(
    path: str | os.PathLike[str],
    *,
    scheme_source: str | os.PathLike[str] | Scheme = "jiangxi-2007",
    year: int,
    plugins: PluginConfig | None = None,
    limits: Limits | None = None,
    plugins_dir: str | os.PathLike[str] | None = None,
    month: int | None = None,
) -> ReadResult:
    """:func:`~minsheng.plugins.reading.read_county_file` in a forked child under ``limits``
    (``month``: a progress report's last month, None at the year end).

    ``plugins`` (default: ``PluginConfig(plugins_dir=plugins_dir)``) and ``limits`` (default:
    ``Limits()``) decide the read. Returns the child's result, or a result without a submission
    and with a ``time-budget``, ``memory-budget`` or ``read-crashed`` problem when the child ran
    out of time or memory or died. Never raises for anything the file or a plugin does (with
    ``plugins.strict``, a plugin's exception is raised again here). Picklable: hand it to any
    executor.
    """
    plugins = plugin_config(plugins, plugins_dir)
    limits = limits or Limits()
    path = os.fspath(path)
    if not _CAN_FORK:
        return read_county_file(
            path, None, scheme_source=scheme_source, year=year, plugins=plugins, limits=limits, month=month
        )
    request = pickle.dumps(
        (path, scheme_source, year, plugins, limits, month), protocol=pickle.HIGHEST_PROTOCOL
    )
    with _fork_lock:
        _warm_up(scheme_source, plugins)
        worker = take_worker()
        started = time.monotonic()
        if worker is None:
            try:
                worker = spawn_worker()
            except OSError as exc:
                return _failed(path, "read-crashed", f"无法启动读取进程（{exc}）；请稍后重试。")
    try:
        try:
            write_all(worker.req, struct.pack("<Q", len(request)) + request)
        except OSError:  # a worker that died while idle: the read goes to a new one
            retire(worker)
            with _fork_lock:
                try:
                    worker = spawn_worker()
                except OSError as exc:
                    return _failed(path, "read-crashed", f"无法启动读取进程（{exc}）；请稍后重试。")
            write_all(worker.req, struct.pack("<Q", len(request)) + request)
        payload, stderr, timed_out, complete = _collect(worker.out, worker.err, started + limits.time_budget)
    except BaseException:  # Ctrl-C or SIGTERM while waiting: take the worker down too
        retire(worker)
        raise
    sent = _decode(payload) if complete else None
    outcome, keep = (sent[:2], sent[2]) if sent is not None else (None, False)
    if outcome is not None and outcome[0] == "ok" and keep:
        status = None
        with _fork_lock:
            idle.append(worker)
    else:  # out of time, dead, in doubt or grown large: not used again (it leaves by itself)
        status = retire(worker, kill=timed_out or outcome is None)
    result = None if timed_out else _outcome(path, outcome, stderr, status, limits, plugins.strict)
    if (result is not None and payload) or plugins.trace:
        _forward(stderr)  # a plugin's own output (a trace); a dying child's last words are not for users
    if timed_out:
        return _failed(
            path,
            "time-budget",
            f"读取“{Path(path).name}”超过了每个文件 {limits.time_budget:g} 秒的时限，已停止；该县按出错处理。"
            "文件可能过大或结构异常，也可能是读取它的插件出了问题（卡住）：请检查文件，或把此信息转给插件的维护人员。",
        )
    assert result is not None
    return result


def _decode(payload: bytes) -> tuple[str, object, bool] | None:
    (size,) = struct.unpack_from("<Q", payload)
    try:
        return pickle.loads(payload[8 : 8 + size])
    except Exception:
        return None


def _collect(out_r: int, err_r: int, deadline: float) -> tuple[bytes, bytes, bool, bool]:
    """Read one framed result and the worker's stderr until the result is whole, the result pipe
    ends (the worker died) or the deadline passes: (result bytes, stderr, timed out, whole)."""
    out = bytearray()
    err = bytearray()

    def whole() -> bool:
        return len(out) >= 8 and len(out) >= 8 + struct.unpack_from("<Q", out)[0]

    def drain_err() -> bool:
        """Take what the worker's stderr holds now; True at its end (the worker is gone)."""
        while True:
            try:
                block = os.read(err_r, 1 << 16)
            except (BlockingIOError, InterruptedError):
                return False
            if not block:
                return True
            err.extend(block)
            if len(err) > 2 * _KEEP_STDERR:
                del err[:-_KEEP_STDERR]

    with selectors.DefaultSelector() as selector:  # (select.select fails on descriptors past 1024)
        selector.register(out_r, selectors.EVENT_READ)
        selector.register(err_r, selectors.EVENT_READ)
        while not whole():
            left = deadline - time.monotonic()
            if left <= 0:
                drain_err()
                return bytes(out), bytes(err), True, False
            for key, _ in selector.select(left):
                if key.fd == out_r:
                    block = os.read(out_r, 1 << 16)
                    if not block:  # the worker is gone
                        drain_err()
                        return bytes(out), bytes(err), False, False
                    out += block
                elif drain_err():  # at its end the pipe stays readable: stop watching it
                    selector.unregister(err_r)
    drain_err()
    return bytes(out), bytes(err), False, True


def _forward(stderr: bytes) -> None:
    """Pass on what the child wrote to stderr (a plugin's trace), minus the allocator's last words."""
    lines = [line for line in stderr.splitlines(keepends=True) if _ALLOC_FAILED not in line]
    if not lines:
        return
    try:
        sys.stderr.flush()
        os.write(2, b"".join(lines))
    except OSError:
        pass


def _failed(path: str, code: str, message: str) -> ReadResult:
    return ReadResult(
        path=path,
        submission=None,
        problems=(Problem(code, message, Severity.ERROR, file=path),),
        sha256=sha256_or_none(path),
    )


def _memory_message(path: str, limits: Limits) -> str:
    return (
        f"读取“{Path(path).name}”需要的内存超过了每个文件 {limits.memory_budget >> 20} MB 的上限，已停止；该县按出错处理。"
        "文件可能过大或结构异常（如大量空行、超大范围），也可能是读取它的插件出了问题：请在 Excel/WPS 中删除多余内容后另存，"
        "或把此信息转给插件的维护人员。"
    )


def _outcome(
    path: str,
    outcome: tuple[Any, ...] | None,
    stderr: bytes,
    status: int | None,
    limits: Limits,
    strict: bool,
) -> ReadResult:
    if outcome is None:
        if _ALLOC_FAILED in stderr:
            return _failed(path, "memory-budget", _memory_message(path, limits))
        how = "未知原因"
        if status is not None and os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            try:
                how = f"信号 {signal.Signals(sig).name}"
            except ValueError:
                how = f"信号 {sig}"
        elif status is not None and os.WIFEXITED(status):
            how = f"退出码 {os.WEXITSTATUS(status)}"
        return _failed(
            path,
            "read-crashed",
            f"读取“{Path(path).name}”的进程异常终止（{how}），没有读出结果；该县按出错处理。"
            "可能是文件结构异常导致读取程序崩溃，或是读取它的插件出了问题：请在 Excel/WPS 中另存后重新报送，"
            "或把此信息转给插件的维护人员。",
        )
    kind, value = outcome
    if kind == "memory":
        return _failed(path, "memory-budget", _memory_message(path, limits))
    if kind == "error":
        name, text, exc = value
        if strict:  # stop, as inline
            if exc is not None:
                raise exc
            raise RuntimeError(f"{name}: {text}（读取“{path}”时）")
        return _failed(
            path,
            "read-crashed",
            f"读取“{Path(path).name}”时出现意外错误（{name}：{text}）；该县按出错处理，请把此信息转给维护人员。",
        )
    result: ReadResult = value
    return _mark_memory(result, limits)


def _mark_memory(result: ReadResult, limits: Limits) -> ReadResult:
    """A plugin whose MemoryError the host caught as a plugin error: say it was the budget."""
    if result.submission is not None:
        return result
    problems = tuple(
        evolve(p, code="memory-budget", message=_memory_message(result.path, limits) + f"（{p.message}）")
        if p.code == "plugin-error" and "MemoryError" in p.message
        else p
        for p in result.problems
    )
    return evolve(result, problems=problems) if problems != result.problems else result


__all__ = ["GUARD_CODES", "join_parent", "read_county_file_guarded"]
