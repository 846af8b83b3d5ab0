"""``--scheduler`` on a Dask cluster whose workers cannot see the office's disk.

Real processes: ``dask scheduler`` and ``dask worker`` started through Dask's own command line,
the worker as the user ``nobody``, who may not enter the folder the county files are in, or (where
nobody cannot reach this environment's packages, as in tox's closed .tox folder) in a mount
namespace of its own in which the pytest temporary folder, the office's, is an empty tmpfs: it
sees the office's disk as a machine or container elsewhere would, without those files. The
client sends the files' bytes; the JSON must equal a local run's byte for byte. A worker without
one of the client's plugins stops the run before any county is read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
#: the worker may run the system's Python of the same minor version (see _nobody_python)
pytestmark = pytest.mark.filterwarnings("ignore:Mismatched versions found")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "jiangxi-2007"
#: six county files of the example province (two .xls, the broken one, a blank cell, a veto) and a lock file
PICK = ("360102", "360103", "360121", "360124", "361030", "360725", "~$0102")
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
SITE = sysconfig.get_paths()["purelib"]
#: Python as nobody with this environment's packages (its site folder, .pth files included)
SCHEDULER_OPTIONS = ("--host", "127.0.0.1", "--port", "0", "--no-dashboard")
WORKER_OPTIONS = ("--nthreads", "2", "--no-nanny", "--no-dashboard", "--name", "nobody", "--local-directory")
DASK_CLI = "from dask.__main__ import main; main()"
BOOT = f"import site, sys; site.addsitedir({SITE!r}); sys.argv[0] = 'dask'; "


def minsheng(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "minsheng", *args], capture_output=True, text=True, timeout=300, env=env
    )


def _hidden_by_mount(hide: Path) -> list[str] | None:
    """A command prefix running a program in a mount namespace where ``hide`` is an empty tmpfs
    (None where namespaces cannot be made here)."""
    if not shutil.which("unshare"):
        return None
    prefix = [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        'mount -t tmpfs none "$0" && exec "$@"',
    ]
    probe = subprocess.run([*prefix, str(hide), "true"], capture_output=True, timeout=60)
    return [*prefix, str(hide)] if probe.returncode == 0 else None


def _worker_python(env: dict[str, str], hide: Path) -> list[str] | None:
    """How to start a Python that cannot see ``hide`` and imports minsheng and distributed:
    as nobody (see _nobody_python), else as root in a mount namespace that covers ``hide``."""
    python = _nobody_python(env)
    if python is not None:
        return [*AS_NOBODY, python, "-S", "-c", BOOT]
    prefix = _hidden_by_mount(hide)
    if prefix is not None:
        return [*prefix, sys.executable, "-c", "import sys; sys.argv[0] = 'dask'; "]
    return None


def _nobody_python(env: dict[str, str]) -> str | None:
    """A Python that ``nobody`` may run and that then imports minsheng and distributed: this one,
    or (when it lives in a folder closed to others, such as /root/.pyenv) the system's Python
    of the same version, given this environment's site folder."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, f"/usr/bin/python{version}", shutil.which(f"python{version}")):
        if not python or not os.path.exists(python):
            continue
        probe = [*AS_NOBODY, python, "-S", "-c", BOOT + "import minsheng, distributed, fsspec"]
        if subprocess.run(probe, capture_output=True, env=env, timeout=120).returncode == 0:
            return python
    return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``(scheduler address, worker's temporary folder)``: one scheduler, one worker as nobody."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("the worker must run as another user (nobody): needs root and setpriv")
    home = Path(tempfile.mkdtemp(prefix="minsheng-worker-"))  # (tmp_path is closed to nobody)
    (home / "tmp").mkdir()
    for p in (home, home / "tmp"):
        os.chown(p, 65534, 65534)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(home / "tmp"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    python = _worker_python(env, tmp_path_factory.getbasetemp())
    if python is None:
        shutil.rmtree(home, ignore_errors=True)
        pytest.skip(
            f"nobody cannot run a Python that imports minsheng from {SITE}, nor can a mount namespace hide a folder"
        )
    folder = tmp_path_factory.mktemp("scheduler")
    address_file = folder / "scheduler.json"
    scheduler = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dask",
            "scheduler",
            *SCHEDULER_OPTIONS,
            "--scheduler-file",
            str(address_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        import json

        address = json.loads(address_file.read_text(encoding="utf-8"))["address"]
        worker = subprocess.Popen(
            [*python[:-1], python[-1] + DASK_CLI, "worker", address, *WORKER_OPTIONS, str(home)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(1, timeout=60)
        yield address, home, python, env
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """The office's folder, closed to everyone but its owner (root): targets and six county files."""
    root = tmp_path_factory.mktemp("office")
    (root / "目标任务表.xlsx").write_bytes((EXAMPLE / "目标任务表.xlsx").read_bytes())
    for f in sorted((EXAMPLE / "报表").rglob("*")):
        if f.is_file() and f.name.startswith(PICK):
            target = root / "报表" / f.relative_to(EXAMPLE / "报表")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.read_bytes())
    os.chmod(root, 0o700)
    return root


def args(submissions: str, office: Path, json_path: Path) -> list[str]:
    return [
        "assess",
        submissions,
        "--targets",
        str(office / "目标任务表.xlsx"),
        "--deadline",
        "2008-01-10",
        "--json",
        str(json_path),
    ]


def executed(address: str) -> int:
    """How many tasks the cluster's workers have run so far."""
    with distributed.Client(address, timeout=30) as client:
        counts = client.run(lambda dask_worker: dask_worker.state.executed_count)
    return sum(counts.values())


def test_workers_that_cannot_see_the_files_give_the_local_runs_json(cluster, office, tmp_path):
    address, home, python, env = cluster
    county = next((office / "报表").rglob("360102-*.xlsx"))
    probe = [*python[:-1], python[-1] + f"open({str(county)!r}, 'rb')"]
    denied = subprocess.run(probe, capture_output=True, text=True, env=env, timeout=60)
    assert denied.returncode != 0, denied.stderr  # the worker cannot read it: not allowed, or not there
    assert "PermissionError" in denied.stderr or "FileNotFoundError" in denied.stderr, denied.stderr

    local = minsheng(*args(str(office / "报表"), office, tmp_path / "local.json"))
    assert local.returncode == 0, local.stderr
    before = executed(address)
    remote = minsheng(*args(str(office / "报表"), office, tmp_path / "cluster.json"), "--scheduler", address)
    assert remote.returncode == 0, remote.stderr
    assert "Traceback" not in remote.stderr
    assert executed(address) - before == 6  # every county file was read there, none here
    text = (tmp_path / "local.json").read_text(encoding="utf-8")
    assert (tmp_path / "cluster.json").read_text(encoding="utf-8") == text
    assert str(home) not in text and "/tmp" not in text  # no temporary path of the worker's
    assert '"file": "南昌市/360102-' in text  # provenance names the office's own relative name
    assert list((home / "tmp").iterdir()) == []  # the worker removed every temporary file

    # a file:// URL on a folder the workers may read: they open it themselves
    shared = Path(tempfile.mkdtemp(prefix="minsheng-shared-"))
    try:
        shutil.copytree(office / "报表", shared / "报表")
        for p in [shared, *shared.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        before = executed(address)
        url = minsheng(*args(f"file://{shared}/报表", office, tmp_path / "url.json"), "--scheduler", address)
        assert url.returncode == 0, url.stderr
        assert executed(address) - before == 6
        assert (tmp_path / "url.json").read_text(encoding="utf-8") == text
    finally:
        shutil.rmtree(shared)


def test_a_worker_without_one_of_the_plugins_stops_the_run_before_any_county_is_read(
    cluster, office, tmp_path
):
    address, _, _, _ = cluster
    site = tmp_path / "site"  # an installed plugin the client has and the worker has not
    site.mkdir()
    (site / "mscounty_extra.py").write_text(
        "from minsheng.plugins import hookimpl\n\n\n@hookimpl\ndef minsheng_claim(path, book):\n    return None\n",
        encoding="utf-8",
    )
    info = site / "minsheng_county_extra-2.0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: minsheng-county-extra\nVersion: 2.0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[minsheng]\nextra = mscounty_extra\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(site)}
    listed = minsheng("plugins", env=env)
    assert "extra" in listed.stdout, listed.stdout + listed.stderr  # the client really has it

    before = executed(address)
    r = minsheng(*args(str(office / "报表"), office, tmp_path / "a.json"), "--scheduler", address, env=env)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "worker-plugins-differ" in r.stderr and "Traceback" not in r.stderr
    with distributed.Client(address, timeout=30) as client:
        (worker,) = client.scheduler_info()["workers"]
    assert f"工作节点 {worker}" in r.stderr
    assert "缺少插件“extra”（本机版本 2.0.1）" in r.stderr
    assert executed(address) == before  # no county was read
    assert not (tmp_path / "a.json").exists()
