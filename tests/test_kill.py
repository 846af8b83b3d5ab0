"""Interrupting ``minsheng assess -o out.xlsx`` at any moment (SIGINT, SIGTERM, SIGKILL) leaves the
previous out.xlsx as it was, or none, never a partial file; a rerun gives the same bytes.

Real subprocesses, killed at fixed moments while reading and at the moment the temporary file
appears next to the output (while it is written)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus" / "province"
TARGETS = CORPUS / "targets.xlsx"


def assess_command(folder: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "minsheng",
        "assess",
        str(folder),
        "--targets",
        str(TARGETS),
        "-o",
        str(out),
    ]


def run(folder: Path, out: Path) -> bytes:
    subprocess.run(assess_command(folder, out), check=True, capture_output=True, timeout=120)
    return out.read_bytes()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Two inputs (three counties, four counties) and what assess writes for each."""
    root = tmp_path_factory.mktemp("kill")
    three, four = root / "three", root / "four"
    for folder, n in ((three, 3), (four, 4)):
        folder.mkdir()
        for form in sorted(CORPUS.glob("36*.xlsx"))[:n]:
            (folder / form.name).write_bytes(form.read_bytes())
    previous = run(three, root / "previous.xlsx")
    new = run(four, root / "new.xlsx")
    assert previous != new
    return four, previous, new


def temporary(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if n.endswith(".tmp")]


def kill_at(folder: Path, out: Path, sig: signal.Signals, moment: float | str) -> tuple[bool, str]:
    """Start assess and send ``sig`` after ``moment`` seconds, or when the temporary output file
    appears (``"writing"``). Returns whether the signal landed while the file was being written,
    and stderr."""
    proc = subprocess.Popen(assess_command(folder, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started = time.monotonic()
    writing = False
    while proc.poll() is None and time.monotonic() - started < 60:
        if moment == "writing":
            if temporary(out.parent):
                proc.send_signal(sig)
                writing = True
                break
        elif time.monotonic() - started >= moment:
            proc.send_signal(sig)
            break
    _, err = proc.communicate(timeout=120)
    return writing, err.decode("utf-8", "replace")


def interrupt_once(
    folder: Path, out_dir: Path, sig, moment, had_previous: bool, previous: bytes, new: bytes
) -> bool:
    """One interrupted run in a fresh ``out_dir``, with its checks; True if it hit the write."""
    out_dir.mkdir()
    out = out_dir / "考核结果.xlsx"
    if had_previous:
        out.write_bytes(previous)
    writing, err = kill_at(folder, out, sig, moment)
    if out.exists():
        assert out.read_bytes() in (previous, new), f"a partial output after {sig.name} at {moment}"
        if not had_previous:
            assert out.read_bytes() == new
    if sig is not signal.SIGKILL:  # a handled signal cleans up after itself
        assert temporary(out_dir) == [], f"{sig.name} at {moment} left {temporary(out_dir)}"
        if writing:  # (Ctrl-C while Python is still importing shows Python's own trace)
            assert "Traceback" not in err, err
    return writing


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_an_interrupted_assess_leaves_the_previous_output_or_none(outputs, tmp_path, sig):
    folder, previous, new = outputs
    caught_writing = 0
    for had_previous in (True, False):
        interrupt_once(folder, tmp_path / f"early-{had_previous}", sig, 0.3, had_previous, previous, new)
        for attempt in range(6):  # the write lasts milliseconds: try until a signal lands in it
            out_dir = tmp_path / f"writing-{had_previous}-{attempt}"
            if interrupt_once(folder, out_dir, sig, "writing", had_previous, previous, new):
                caught_writing += 1
                break
    assert caught_writing, "no signal landed while the output was being written"
    out = tmp_path / "rerun" / "考核结果.xlsx"
    out.parent.mkdir()
    assert run(folder, out) == new  # a rerun gives the same bytes as an uninterrupted run
    # SIGKILL cannot be handled: the killed run leaves its temporary file, and a rerun removes it
    killed = [d for d in sorted(tmp_path.glob("writing-*")) if temporary(d)]
    assert bool(killed) == (sig is signal.SIGKILL), killed
    for out_dir in killed:
        assert run(folder, out_dir / "考核结果.xlsx") == new
        assert temporary(out_dir) == []
