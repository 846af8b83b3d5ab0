"""County files are untrusted: damaged files of every format give a SheetError, never a crash."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sheetfiles import write_ods, write_xls, write_xlsx

from minsheng.guard import read_county_file_guarded
from minsheng.sheets import SHEET_ERROR_CODES, SheetError, find_table, open_workbook, read_reporter

ROWS = [
    ["填报单位：某县劳动局", None, "填报日期：2007-12-31"],
    ["指标名称", "计量单位", "完成数"],
    ["城镇新增就业人数", "人", 1200],
    ["其中：阳光工程", "万人", "=C3*2"],
]


_ORIGINALS: dict[str, bytes] = {}


def originals(d: Path) -> dict[str, bytes]:
    """Undamaged files, made once (kept out of hypothesis' reports, they are long)."""
    if _ORIGINALS:
        return _ORIGINALS
    _ORIGINALS.update(
        {
            "xlsx": write_xlsx(d / "a.xlsx", {"表1": ROWS}, merges={"表1": ["A1:B1"]}).read_bytes(),
            "xls": write_xls(
                d / "a.xls", {"表1": [[("formula", "1/0") if v == "=C3*2" else v for v in r] for r in ROWS]}
            ).read_bytes(),
            "ods": write_ods(d / "a.ods", {"表1": ROWS}).read_bytes(),
        }
    )
    return _ORIGINALS


def read_everything(path: Path) -> None:
    with open_workbook(path) as book:
        for sheet in book:
            _ = sheet.problems, sheet.merged, [c.text for r in sheet.rows() for c in r]
            read_reporter(sheet)
            try:
                find_table(sheet, ["指标名称"])
            except SheetError:
                pass


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_files_raise_only_sheet_errors(tmp_path: Path, kind: str, data) -> None:
    raw = bytearray(originals(tmp_path)[kind])
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
    how = data.draw(st.sampled_from(["flip", "truncate", "zero-block"]))
    if how == "flip":
        for _ in range(data.draw(st.integers(1, 30))):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
    elif how == "truncate":
        raw = raw[: rng.randrange(len(raw))]
    else:
        start = rng.randrange(len(raw))
        raw[start : start + 512] = b"\0" * len(raw[start : start + 512])
    path = tmp_path / f"damaged.{kind}"
    path.write_bytes(bytes(raw))
    # python-calamine can abort the whole process on some damaged files (a Rust abort cannot be
    # caught), so each read runs in a forked child: in the child only a SheetError may escape;
    # a child that dies is the case the pipeline's guard exists for, and the guard must turn it
    # into a problem for that file.
    status = _in_child(path)
    if status == "died":
        result = read_county_file_guarded(path, year=2007)
        assert result.submission is None
        # an abort on a failed allocation is reported as the memory budget, any other death as a crash
        assert [p.code for p in result.problems] in (["read-crashed"], ["memory-budget"])
    else:
        assert status == "ok", status


def _in_child(path: Path) -> str:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(r)
        outcome = b"ok"
        try:
            read_everything(path)
        except SheetError as err:
            if err.code not in SHEET_ERROR_CODES or err.code in {"no-such-sheet", "too-large"}:
                outcome = f"bad SheetError code {err.code}".encode()
        except BaseException as exc:
            outcome = f"{type(exc).__name__}: {exc}".encode()[:2000]
        os.write(w, outcome)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        said = fh.read()
    _, wait_status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(wait_status) or not said:
        return "died"
    return said.decode()
