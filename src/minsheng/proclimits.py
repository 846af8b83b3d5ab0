"""Limits a reading process sets on itself (Linux): memory (RLIMIT_AS, RLIMIT_DATA) and CPU time
(RLIMIT_CPU) set afresh for each file, and death with the process that forked it (PR_SET_PDEATHSIG).
Best effort: where a limit cannot be set, the guard's wall-clock budget still applies."""

from __future__ import annotations

import os
import signal
import sys


def status_kb(field: str) -> int | None:
    """A ``Vm…`` line of /proc/self/status in KiB (Linux), or None."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(field.encode() + b":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def limit_memory(budget: int) -> None:
    """Let this process grow by at most ``budget`` bytes of address space and of data."""
    import resource

    for name, field in (("RLIMIT_AS", "VmSize"), ("RLIMIT_DATA", "VmData")):
        which = getattr(resource, name, None)
        if which is None:
            continue
        now = status_kb(field)
        if now is None:
            continue
        cap = now * 1024 + budget
        try:
            _soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(which, (cap, hard))
        except (ValueError, OSError):
            pass


def limit_cpu(seconds: float) -> None:
    """A CPU-time cap as a backstop: a child left behind by a parent that was killed still ends."""
    import resource

    try:
        used = resource.getrusage(resource.RUSAGE_SELF)
        cap = int(used.ru_utime + used.ru_stime + seconds) + 5
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (cap, hard))
    except (ValueError, OSError):
        pass


_libc: object = None


def load_libc() -> None:
    """libc through ctypes, loaded once in the forking process (for prctl in the children)."""
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            import ctypes

            _libc = ctypes.CDLL(None, use_errno=True)
        except OSError:
            _libc = False


def die_with_parent() -> None:
    """Ask Linux to kill this child when the process that forked it dies (best effort)."""
    try:
        if _libc:
            _libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # type: ignore[attr-defined]  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def join_parent(parent: int) -> None:
    """``initializer`` of a pool of worker processes started by ``parent``: each worker dies with
    it (Linux), so a run stopped by SIGTERM or SIGKILL leaves no worker behind waiting for work."""
    load_libc()
    die_with_parent()
    if os.getppid() != parent:  # the parent was gone before the worker could ask
        os._exit(1)
