"""Interrupting ``minsheng assess -o out.xlsx`` at any moment (SIGINT, SIGTERM, SIGKILL) leaves the
previous out.xlsx as it was, or none, never a partial file, and a handled signal leaves no temporary
file; a rerun gives the same bytes.

Real subprocesses. The moments of the write are hit deterministically: the child runs the real CLI
with the writer's calls to ``os`` (in ``minsheng.files`` only) wrapped so that it stops at each named
point of the write, tells the test where it is, and goes on when the test says so; the test sends the
signal while the child waits there. So a loaded machine cannot make the test miss the window.
``bench/kill_loop.py`` adds signals at random times under load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus" / "province"
TARGETS = CORPUS / "targets.xlsx"

#: The points of ``atomic_write_bytes`` where the paused writer stops, in order: before its
#: temporary file exists (clearing orphans), just after creating it, after writing (before fsync),
#: after fsync (before the rename), after the rename, and in the removal of the temporary file.
POINTS = ("orphans", "created", "written", "synced", "replaced", "discarding")

PAUSED_WRITER = textwrap.dedent(
    """
    import os, sys
    import minsheng.files as files

    report = os.fdopen(int(sys.argv.pop(1)), "w", buffering=1)

    def pause(point):
        report.write(point + "\\n")
        sys.stdin.readline()

    class PausedOs:
        def __getattr__(self, name):
            return getattr(os, name)

        def listdir(self, path):
            pause("orphans")
            return os.listdir(path)

        def open(self, path, *args, **kwargs):
            fd = os.open(path, *args, **kwargs)
            pause("created")
            return fd

        def fsync(self, fd):
            pause("written")
            os.fsync(fd)

        def replace(self, src, dst):
            pause("synced")
            os.replace(src, dst)
            pause("replaced")

        def unlink(self, path):
            pause("discarding")
            os.unlink(path)

    files.os = PausedOs()
    from minsheng.cli import main

    main(prog_name="minsheng")
    """
)


def assess_args(folder: Path, out: Path) -> list[str]:
    return ["assess", str(folder), "--targets", str(TARGETS), "-o", str(out), "--force"]


def run(folder: Path, out: Path) -> bytes:
    subprocess.run(
        [sys.executable, "-m", "minsheng", *assess_args(folder, out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
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


def interrupt_at(
    folder: Path, out: Path, signals: list[tuple[str, signal.Signals]]
) -> tuple[int, str, list[str]]:
    """Run assess with the paused writer; at each ``(point, signal)`` of ``signals``, in order, send
    the signal while the writer waits at that point. Returns the exit status, stderr and the points
    the writer passed."""
    report_r, report_w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSED_WRITER, str(report_w), *assess_args(folder, out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=(report_w,),
    )
    os.close(report_w)
    passed: list[str] = []
    pending = list(signals)
    try:
        with os.fdopen(report_r, "r") as report:
            for line in report:
                point = line.strip()
                passed.append(point)
                if pending and pending[0][0] == point:
                    proc.send_signal(pending.pop(0)[1])
                try:
                    proc.stdin.write(b"\n")
                    proc.stdin.flush()
                except BrokenPipeError:
                    break
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not pending, f"the writer never reached {pending} (passed {passed})"
    return proc.returncode, err.decode("utf-8", "replace"), passed


def check_outcome(out: Path, had_previous: bool, previous: bytes, new: bytes, what: str) -> None:
    if out.exists():
        assert out.read_bytes() in (previous, new), f"a partial output after {what}"
        if not had_previous:
            assert out.read_bytes() == new, what
    else:
        assert not had_previous, f"{what} removed the previous output"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
@pytest.mark.parametrize("point", POINTS[:-1])
def test_a_signal_at_each_moment_of_the_write_leaves_no_temporary_file(outputs, tmp_path, sig, point):
    folder, previous, new = outputs
    for had_previous in (True, False):
        out = tmp_path / f"previous-{had_previous}" / "考核结果.xlsx"
        out.parent.mkdir()
        if had_previous:
            out.write_bytes(previous)
        status, err, passed = interrupt_at(folder, out, [(point, sig)])
        what = f"{sig.name} at {point}"
        assert status != 0, f"{what}: the run went on as if nothing happened"
        assert "Traceback" not in err, err
        assert temporary(out.parent) == [], f"{what} left {temporary(out.parent)}"
        check_outcome(out, had_previous, previous, new, what)
        if point in ("orphans", "created", "written"):  # stopped at the writer's next step
            assert "replaced" not in passed, passed
            assert (out.read_bytes() if out.exists() else None) == (previous if had_previous else None)
        else:  # past the last step before the rename: the rename goes through, then the run stops
            assert out.read_bytes() == new


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_a_second_signal_cannot_stop_the_removal_half_way(outputs, tmp_path, sig):
    folder, previous, _new = outputs
    out = tmp_path / "考核结果.xlsx"
    out.write_bytes(previous)
    status, err, passed = interrupt_at(folder, out, [("written", sig), ("discarding", sig)])
    assert status != 0 and "Traceback" not in err, err
    assert passed[-1] == "discarding", passed
    assert temporary(tmp_path) == [], temporary(tmp_path)
    assert out.read_bytes() == previous


def test_a_killed_writer_leaves_its_temporary_file_and_a_rerun_removes_it(outputs, tmp_path):
    """SIGKILL cannot be handled: the file stays, names its process, and the next write removes it."""
    folder, previous, new = outputs
    out = tmp_path / "考核结果.xlsx"
    out.write_bytes(previous)
    status, _err, _passed = interrupt_at(folder, out, [("written", signal.SIGKILL)])
    assert status == -signal.SIGKILL
    assert len(temporary(tmp_path)) == 1 and out.read_bytes() == previous
    assert run(folder, out) == new
    assert temporary(tmp_path) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_an_interrupt_while_reading_leaves_the_previous_output(outputs, tmp_path, sig):
    """A signal long before the write (while the counties are read) stops the run cleanly."""
    folder, previous, new = outputs
    out = tmp_path / "考核结果.xlsx"
    out.write_bytes(previous)
    proc = subprocess.Popen(
        [sys.executable, "-m", "minsheng", *assess_args(folder, out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        proc.wait(timeout=0.3)
    except subprocess.TimeoutExpired:
        proc.send_signal(sig)
    proc.communicate(timeout=120)  # (a signal while Python still imports shows Python's own trace)
    assert out.read_bytes() in (previous, new)
    assert temporary(tmp_path) == []
    out2 = tmp_path / "rerun.xlsx"
    assert run(folder, out2) == new


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid and stat[0] != "Z":
                found.append(int(entry))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_a_stopped_run_leaves_no_worker_process_behind(outputs, tmp_path, sig):
    """With --jobs 2, a run ended by SIGTERM or SIGKILL (a service manager, `kill`) while its worker
    processes read takes them down too, instead of leaving them waiting for work forever."""
    folder, _previous, _new = outputs
    proc = subprocess.Popen(
        [sys.executable, "-m", "minsheng", *assess_args(folder, tmp_path / "out.xlsx"), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline and len(workers) < 2:
        workers = children(proc.pid)
        time.sleep(0.001)
    if proc.poll() is not None:
        pytest.skip("the run ended before its workers could be seen")
    proc.send_signal(sig)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(children_state(w) not in ("Z", "gone") for w in workers):
        time.sleep(0.05)
    left = [w for w in workers if children_state(w) not in ("Z", "gone")]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert left == [], f"{sig.name} left worker processes {left}"


def children_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"
