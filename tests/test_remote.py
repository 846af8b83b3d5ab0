"""Sending county files to workers (minsheng.remote): bytes instead of paths, URLs opened where the
read runs, bounded in flight, oversized files refused before sending, the same result as here."""

from __future__ import annotations

import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from minsheng import Limits
from minsheng.errors import InputError
from minsheng.pipeline import find_files, read_files
from minsheng.relpaths import relative_path
from minsheng.remote import _differences, read_sent
from minsheng.run import assess, run_to_json

fsspec = pytest.importorskip("fsspec")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "jiangxi-2007"
PICK = ("360102", "360121", "361030", "~$0102")  # a form, an .xls, the broken file, a lock file


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    root = tmp_path_factory.mktemp("office")
    (root / "目标任务表.xlsx").write_bytes((EXAMPLE / "目标任务表.xlsx").read_bytes())
    for f in sorted((EXAMPLE / "报表").rglob("*")):
        if f.is_file() and f.name.startswith(PICK):
            target = root / "报表" / f.relative_to(EXAMPLE / "报表")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.read_bytes())
    return root


@pytest.fixture(scope="module")
def local_json(office):
    return run_to_json(assess(office / "报表", office / "目标任务表.xlsx"))


class Recording(ThreadPoolExecutor):
    """A real thread pool that remembers what it was given and how many calls were out at once."""

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers)
        self.sent: list[tuple[object, ...]] = []
        self.out = self.most = 0
        self._lock = threading.Lock()

    def submit(self, fn, *args, **kwargs):
        with self._lock:
            self.sent.append(args)
            self.out += 1
            self.most = max(self.most, self.out)
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future) -> None:
        with self._lock:
            self.out -= 1


def test_urls_are_made_relative_to_their_root_as_paths_are():
    root = "file:///srv/报表"
    assert relative_path("file:///srv/报表/南昌市/x.xlsx", [root]) == "南昌市/x.xlsx"
    assert relative_path("s3://b/other/x.xlsx", [root, "/srv"]) == "x.xlsx"
    assert relative_path("/srv/报表/南昌市/x.xlsx", [root, "/srv/报表"]) == "南昌市/x.xlsx"


def test_a_file_url_gives_the_local_json_here_and_in_worker_processes(office, local_json):
    url = f"file://{office}/报表"
    assert run_to_json(assess(url, office / "目标任务表.xlsx")) == local_json
    with ProcessPoolExecutor(2) as pool:
        assert run_to_json(assess(url, office / "目标任务表.xlsx", executor=pool)) == local_json


def test_a_memory_url_is_searched_like_a_folder(office, local_json):
    memory = fsspec.filesystem("memory")
    for f in (office / "报表").rglob("*"):
        if f.is_file():
            memory.pipe(f"/minsheng-test/报表/{f.relative_to(office / '报表').as_posix()}", f.read_bytes())
    try:
        run = assess("memory://minsheng-test/报表", office / "目标任务表.xlsx")
        assert all(isinstance(r.path, str) and r.path.startswith("memory://") for r in run.reads)
        assert run_to_json(run) == local_json
        memory.pipe("/minsheng-test/报表/说明.txt", b"not a spreadsheet")
        files, problems = find_files(["memory://minsheng-test/报表"])
        assert [f.rsplit("/", 1)[-1][:6] for f in files] == ["360102", "360121", "361030"]  # no lock file
        assert [p.code for p in problems] == ["skipped-file"]
    finally:
        memory.rm("/minsheng-test", recursive=True)


def test_a_url_that_does_not_exist_stops_the_run(office):
    with pytest.raises(InputError) as caught:
        assess(f"file://{office}/没有这个目录", office / "目标任务表.xlsx")
    assert caught.value.code == "submissions-not-found" and "没有这个目录" in caught.value.message


def test_files_are_sent_as_bytes_a_few_at_a_time_and_read_as_here(office):
    files, _ = find_files([office / "报表"])
    paths = files * 4  # 12 reads
    here = read_files(paths, scheme_source="jiangxi-2007", year=2007)
    with Recording(2) as pool:
        sent = read_files(paths, scheme_source="jiangxi-2007", year=2007, executor=pool, remote=True)
    assert sent == here  # paths, provenance, problems and sha256 as a local read gives them
    assert len(pool.sent) == 12 and all(isinstance(args[1], bytes) for args in pool.sent)
    assert pool.most <= 4  # two per worker in flight, never all twelve at once


def test_a_progress_reports_month_reaches_a_sent_read(office):
    """A progress run reads each file for its period's month; a file sent to a worker is read for
    the same month as here (the month travels with the bytes)."""
    files, _ = find_files([office / "报表"])
    here = read_files(files, scheme_source="jiangxi-2007", year=2007, month=6)
    with ThreadPoolExecutor(2) as pool:
        sent = read_files(files, scheme_source="jiangxi-2007", year=2007, month=6, executor=pool, remote=True)
    assert sent == here
    assert any(r.problems for r in here)  # year-end forms read for June: wrong-period, as here


def test_a_file_over_the_size_limit_is_refused_before_it_is_sent(office):
    files, _ = find_files([office / "报表"])
    big = max(files, key=lambda p: p.stat().st_size)
    limits = Limits(max_file_bytes=big.stat().st_size - 1)
    here = read_files(files, scheme_source="jiangxi-2007", year=2007, limits=limits)
    with Recording(2) as pool:
        sent = read_files(
            files, scheme_source="jiangxi-2007", year=2007, limits=limits, executor=pool, remote=True
        )
    assert sent == here
    refused = sent[files.index(big)]
    assert [p.code for p in refused.problems] == ["file-too-large"] and refused.sha256
    assert str(big) not in [args[0] for args in pool.sent]  # never sent
    assert len(pool.sent) == len(files) - 1


def test_the_worker_names_the_file_as_the_office_did_and_leaves_no_temporary_file(office, tmp_path):
    import tempfile

    broken = next((office / "报表").rglob("361030-*"))
    before = set(Path(tempfile.gettempdir()).glob("minsheng-*"))
    here = read_files([broken], scheme_source="jiangxi-2007", year=2007)[0]
    from minsheng.config import PluginConfig

    there = read_sent(
        str(broken),
        broken.read_bytes(),
        parts=("抚州市", broken.name),
        scheme_source="jiangxi-2007",
        year=2007,
        plugins=PluginConfig(),
        limits=Limits(),
    )
    assert there == here and there.problems  # the broken file's problems name the office's path
    assert set(Path(tempfile.gettempdir()).glob("minsheng-*")) == before


def test_the_plugin_differences_are_said_one_by_one():
    mine = {"minsheng": "1.0", "standard-form": "1.0", "roster": "0.2", "east": "1.2.3"}
    theirs = {"minsheng": "0.9", "standard-form": "1.0", "roster": "0.1", "west": "2"}
    assert _differences(mine, theirs) == [
        "minsheng 版本为 0.9，本机为 1.0",
        "缺少插件“east”（本机版本 1.2.3）",
        "有本机没有的插件“west”（版本 2）",
        "插件“roster”的版本为 0.1，本机为 0.2",
    ]
    assert _differences(mine, dict(mine)) == []


def test_a_large_file_goes_to_a_dask_worker_without_dask_warning_about_it(office, tmp_path):
    """A county file of several MB (here 12 MB that is no spreadsheet) is sent to a real Dask
    worker process as a local read would see it, and Dask's English warning about large calls
    never reaches the office."""
    import warnings

    distributed = pytest.importorskip("distributed")
    (tmp_path / "南昌市").mkdir()
    big = tmp_path / "南昌市" / "360103-西湖区-2007年民生工程报表.xlsx"
    big.write_bytes(b"PK\x03\x04" + bytes(12 << 20))
    here = read_files([big], scheme_source="jiangxi-2007", year=2007)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            there = read_files(
                [big],
                scheme_source="jiangxi-2007",
                year=2007,
                executor=client.get_executor(),
                roots=[tmp_path],
            )
    assert there == here and there[0].problems and there[0].sha256
    assert not [w for w in caught if "large graph" in str(w.message)], [str(w.message) for w in caught]


def test_a_worker_that_cannot_write_its_temporary_file_fails_only_that_county(office, tmp_path, monkeypatch):
    import tempfile

    from minsheng.config import PluginConfig

    county = next((office / "报表").rglob("360102-*"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "没有这个目录"))
    result = read_sent(
        str(county),
        county.read_bytes(),
        parts=(county.name,),
        scheme_source="jiangxi-2007",
        year=2007,
        plugins=PluginConfig(),
        limits=Limits(),
    )
    assert result.submission is None and [p.code for p in result.problems] == ["read-failed"]
    assert result.problems[0].file == str(county) and "TMPDIR" in result.problems[0].message


def test_a_cluster_without_workers_stops_the_run_instead_of_waiting_forever():
    """A scheduler with no worker would leave every read waiting: after ``wait`` seconds the run
    stops with ``no-workers``, naming the scheduler, before any county is read."""
    distributed = pytest.importorskip("distributed")
    from minsheng import PluginConfig
    from minsheng.remote import check_worker_plugins

    with (
        distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        with pytest.raises(InputError) as caught:
            check_worker_plugins(client, PluginConfig(), wait=1)
    assert caught.value.code == "no-workers"
    assert cluster.scheduler_address in str(caught.value) and "dask worker" in str(caught.value)
