"""Interrupt ``minsheng assess`` hundreds of times under load and count what is left behind.

``python bench/kill_loop.py [--tries 120] [--jobs 2] [--no-load]`` runs ``minsheng assess`` on four
counties of the test corpus with ``--jobs 2`` while a CPU-bound process runs beside it on every core,
and sends SIGINT or SIGTERM (taking turns) at a moment spread over the write of the workbook: it
watches the output folder, and when the temporary file appears it waits a random 0 to 3 ms (or, in
one try of four, signals at a random moment of the whole run, reading included). After each try it
checks the output folder: a temporary file left behind, a partial workbook (neither the previous
bytes nor the new ones), a previous output lost, or a Python traceback on stderr is a failure.

It prints one line per signal and a summary, and exits 1 if anything was left behind. The figures
go into docs/security.md ("Interrupting a write"). tests/test_kill.py hits every moment of the write
deterministically; this loop shows the same under load and real timing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "province"  # (data files, not test code)


def command(folder: Path, out: Path, jobs: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "minsheng",
        "assess",
        str(folder),
        "--targets",
        str(CORPUS / "targets.xlsx"),
        "--jobs",
        str(jobs),
        "-o",
        str(out),
        "--force",  # (the output is there already in half the tries: that is the point)
    ]


def burn(stop: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x = (x * 31 + 7) % 1_000_003


def temporaries(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if n.endswith(".tmp")]


class Watch:
    """Linux inotify on one folder, through ctypes: the moment a file is created there."""

    IN_CREATE = 0x100

    def __init__(self, folder: Path) -> None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK)
        if self.fd < 0 or libc.inotify_add_watch(self.fd, os.fsencode(folder), self.IN_CREATE) < 0:
            raise OSError(ctypes.get_errno(), "inotify")

    def created(self, timeout: float) -> list[str]:
        if not select.select([self.fd], [], [], timeout)[0]:
            return []
        data, names = os.read(self.fd, 1 << 16), []
        while data:
            _wd, _mask, _cookie, size = struct.unpack_from("iIII", data)
            names.append(data[16 : 16 + size].rstrip(b"\0").decode("utf-8", "replace"))
            data = data[16 + size :]
        return names

    def close(self) -> None:
        os.close(self.fd)


def one_try(folder: Path, out: Path, jobs: int, sig: signal.Signals, whole_run: float | None) -> dict:
    """One interrupted run; ``whole_run`` seconds to signal at, or None to signal in the write."""
    watch = Watch(out.parent)
    proc = subprocess.Popen(command(folder, out, jobs), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started = time.monotonic()
    landed = "after the run"
    try:
        while proc.poll() is None and time.monotonic() - started < 120:
            if whole_run is not None:
                time.sleep(max(0.0, min(0.01, started + whole_run - time.monotonic())))
                if time.monotonic() - started >= whole_run:
                    landed = "writing" if temporaries(out.parent) else "reading"
                    proc.send_signal(sig)
                    break
            elif any(n.endswith(".tmp") for n in watch.created(0.05)):
                time.sleep(random.uniform(0, 0.003))
                landed = "writing" if temporaries(out.parent) else "after the write"
                proc.send_signal(sig)
                break
    finally:
        watch.close()
    _, err = proc.communicate(timeout=120)
    return {"landed": landed, "status": proc.returncode, "stderr": err.decode("utf-8", "replace")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=120, help="tries per signal (SIGINT and SIGTERM)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-load", action="store_true", help="no CPU-bound process beside the runs")
    parser.add_argument("--seed", type=int, default=2007)
    args = parser.parse_args(argv)
    random.seed(args.seed)

    root = Path(tempfile.mkdtemp(prefix="minsheng-kill-"))
    try:
        three, four = root / "three", root / "four"
        for folder, n in ((three, 3), (four, 4)):
            folder.mkdir()
            for form in sorted(CORPUS.glob("36*.xlsx"))[:n]:
                shutil.copy(form, folder / form.name)
        for folder, name in ((three, "previous.xlsx"), (four, "new.xlsx")):
            subprocess.run(command(folder, root / name, args.jobs), check=True, capture_output=True)
        previous, new = (root / "previous.xlsx").read_bytes(), (root / "new.xlsx").read_bytes()
        t = time.monotonic()
        subprocess.run(command(four, root / "timing.xlsx", args.jobs), check=True, capture_output=True)
        run_time = time.monotonic() - t

        stop = multiprocessing.Event()
        burners = (
            []
            if args.no_load
            else [multiprocessing.Process(target=burn, args=(stop,)) for _ in range(os.cpu_count() or 2)]
        )
        for b in burners:
            b.start()
        outcomes: Counter[tuple[str, str, str]] = Counter()
        failures: list[str] = []
        try:
            for i in range(args.tries * 2):
                sig = (signal.SIGINT, signal.SIGTERM)[i % 2]
                out_dir = root / f"try-{i}"
                out_dir.mkdir()
                out = out_dir / "考核结果.xlsx"
                had_previous = i % 4 < 2
                if had_previous:
                    out.write_bytes(previous)
                whole_run = random.uniform(0, run_time * 1.2) if i % 8 >= 6 else None
                r = one_try(four, out, args.jobs, sig, whole_run)
                left = temporaries(out_dir)
                data = out.read_bytes() if out.exists() else None
                state = {previous: "previous", new: "new", None: "none"}.get(data, "PARTIAL")
                wrong = []
                if left:
                    wrong.append(f"left {left}")
                if state == "PARTIAL" or (had_previous and state == "none"):
                    wrong.append(f"output {state}")
                if "Traceback" in r["stderr"] and r["landed"] != "reading":
                    wrong.append("traceback")
                outcomes[(sig.name, r["landed"], state)] += 1
                line = f"{i + 1:4d} {sig.name:7s} {r['landed']:15s} exit {r['status']:4d} output {state:8s}"
                print(line + (f"  FAILED: {', '.join(wrong)}" if wrong else ""), flush=True)
                if wrong:
                    failures.append(line + " " + ", ".join(wrong))
                    print("      stderr: " + r["stderr"][-800:].replace("\n", "\n      "), flush=True)
                shutil.rmtree(out_dir)
        finally:
            stop.set()
            for b in burners:
                b.join()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(f"\n{args.tries * 2} interruptions, --jobs {args.jobs}, {len(burners)} CPU-bound processes beside")
    print(f"{'signal':8s} {'landed':16s} {'output':9s} count")
    for (sig_name, landed, state), count in sorted(outcomes.items()):
        print(f"{sig_name:8s} {landed:16s} {state:9s} {count}")
    print(f"failures (temporary file left, partial or lost output, traceback): {len(failures)}")
    for f in failures:
        print("  " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
