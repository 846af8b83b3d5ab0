"""The reading workers of the guard: processes forked once from a warmed-up parent and kept for the
next files. For each file a worker sets its memory and CPU limits afresh, reads, and sends the
pickled outcome back; a worker that is killed, crashes, runs out of memory, raises, or grows by
``RECYCLE_KB`` is not used again, and the next file gets a fresh fork. The guard
(:func:`minsheng.guard.read_county_file_guarded`) keeps the wall-clock budget and decides what an
outcome means."""

from __future__ import annotations

import atexit
import os
import pickle
import signal
import struct
import sys
import threading
import time
from typing import Any

from .plugins.reading import read_county_file
from .proclimits import die_with_parent, limit_cpu, limit_memory, status_kb


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def read_exact(fd: int, n: int) -> bytes | None:
    """``n`` bytes from ``fd``, or None at end of file."""
    buf = bytearray()
    while len(buf) < n:
        block = os.read(fd, n - len(buf))
        if not block:
            return None
        buf += block
    return bytes(buf)


def serve(req_fd: int, out_fd: int, err_fd: int, parent: int) -> None:
    """A reading worker (a forked child): for each request on ``req_fd``, limit itself afresh, read
    the file and send the pickled outcome; leave with ``_exit`` at the end of the requests, or after
    an outcome other than a result (out of memory, an exception), so that a worker in doubt is never
    used again. A crash, a kill or an exhausted limit ends it; the parent then starts another."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        import faulthandler

        faulthandler.disable()  # a crash is reported as read-crashed, not as a stack dump
        die_with_parent()
        if os.getppid() != parent:
            os._exit(1)
        os.dup2(err_fd, 2)
        os.close(err_fd)
        start_kb = status_kb("VmRSS")
        while True:
            head = read_exact(req_fd, 8)
            if head is None:
                break
            body = read_exact(req_fd, struct.unpack("<Q", head)[0])
            if body is None:
                break
            path, scheme_source, year, plugins, limits, month = pickle.loads(body)
            limit_cpu(limits.time_budget)
            limit_memory(limits.memory_budget)
            try:
                outcome: tuple[Any, ...] = (
                    "ok",
                    read_county_file(
                        path,
                        None,
                        scheme_source=scheme_source,
                        year=year,
                        plugins=plugins,
                        limits=limits,
                        month=month,
                    ),
                )
            except MemoryError:
                outcome = ("memory", None)
            except BaseException as exc:  # strict mode re-raises; anything else is reported
                outcome = ("error", (type(exc).__name__, str(exc)[:2000], exc if picklable(exc) else None))
            # a read that left this worker much larger (a big file: the allocator keeps what it
            # freed) is its last, so that the next file starts from a fresh fork and the memory of
            # a reading process stays bounded by the largest file, not by the sum of the files
            now_kb = status_kb("VmRSS")
            keep = start_kb is not None and now_kb is not None and now_kb - start_kb < RECYCLE_KB
            outcome = (*outcome, keep)
            try:
                data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                outcome = ("memory", None, False)
                data = pickle.dumps(outcome)
            except Exception as exc:
                outcome = ("error", (type(exc).__name__, f"结果无法传回：{exc}"[:2000], None), False)
                data = pickle.dumps(outcome)
            try:
                sys.stderr.flush()  # a plugin's output reaches the parent before the result
            except (OSError, ValueError, AttributeError):
                pass
            write_all(out_fd, struct.pack("<Q", len(data)) + data)
            if outcome[0] != "ok" or not keep:
                break
    except BaseException:
        code = 70
    finally:
        os._exit(code)


class Worker:
    """The parent's side of a reading worker: its pid, the request pipe's write end, the result's
    and stderr's read ends, and the thread that forked it (Linux kills a child when the thread that
    forked it ends: a worker is used only by its own thread)."""

    __slots__ = ("err", "out", "pid", "req", "thread")

    def __init__(self, pid: int, req: int, out: int, err: int) -> None:
        self.pid, self.req, self.out, self.err = pid, req, out, err
        self.thread = threading.current_thread()

    def close(self) -> None:
        """Close the parent's ends of the pipes (once: a descriptor number may be reused after)."""
        for fd in (self.req, self.out, self.err):
            if fd < 0:
                continue
            worker_fds.discard(fd)
            try:
                os.close(fd)
            except OSError:
                pass
        self.req = self.out = self.err = -1


#: a worker whose resident memory grew by this much over its start leaves after the file (KiB)
RECYCLE_KB = 32 << 10
#: idle workers of this process, and every descriptor the parent holds for a worker (a new worker
#: closes them: it must not keep another worker's pipes open)
idle: list[Worker] = []
worker_fds: set[int] = set()


def take_worker() -> Worker | None:
    """An idle worker forked by this thread, under ``_fork_lock``; workers of ended threads are gone."""
    me = threading.current_thread()
    found = None
    for w in list(idle):
        if w.thread is me and found is None:
            idle.remove(w)
            found = w
        elif not w.thread.is_alive():
            idle.remove(w)
            retire(w)
    return found


def retire(w: Worker, *, kill: bool = True) -> int | None:
    """End a worker and reap it: its exit status, or None."""
    w.close()
    if kill:
        try:
            os.kill(w.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return reap(w.pid)


def spawn_worker() -> Worker:
    """Fork a reading worker from this (warm) process, under ``_fork_lock``. Raises OSError."""
    req_r, req_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    parent = os.getpid()
    for stream in (sys.stdout, sys.stderr):  # or a child that flushes would write it again
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    try:
        pid = os.fork()
    except OSError:
        for fd in (req_r, req_w, out_r, out_w, err_r, err_w):
            os.close(fd)
        raise
    if pid == 0:  # pragma: no cover - runs in the child, which leaves with os._exit
        for fd in (req_w, out_r, err_r):  # (the other workers' pipes: forget_workers)
            try:
                os.close(fd)
            except OSError:
                pass
        serve(req_r, out_w, err_w, parent)
    for fd in (req_r, out_w, err_w):
        os.close(fd)
    os.set_blocking(err_r, False)
    worker_fds.update((req_w, out_r, err_r))
    return Worker(pid, req_w, out_r, err_r)


def forget_workers() -> None:
    """In any child forked from this process (a pool's worker process, a reading worker): the
    workers belong to this process, not to the child; the child closes its copies of their pipes."""
    idle.clear()
    for fd in worker_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    worker_fds.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=forget_workers)


@atexit.register
def close_workers() -> None:
    """At exit: idle workers see the end of their requests and leave; they are reaped (a second at
    most, then killed), so that none outlives this process."""
    workers = list(idle)
    idle.clear()
    for w in workers:
        w.close()
    deadline = time.monotonic() + 1.0
    for w in workers:
        while True:
            try:
                done, _status = os.waitpid(w.pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            if time.monotonic() > deadline:
                retire(w)
                break
            time.sleep(0.001)


def picklable(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True


def reap(pid: int) -> int | None:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return status
