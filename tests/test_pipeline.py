"""Finding files and attributing them to counties."""

from pathlib import Path

from builders import make_targets

from minsheng.pipeline import find_files, guess_county


def test_find_files_skips_lock_and_temp_files(tmp_path: Path):
    (tmp_path / "南昌市").mkdir()
    for name in [
        "南昌市/南昌县.xlsx",
        "南昌市/~$南昌县.xlsx",
        "南昌市/.~lock.南昌县.xlsx#",
        "进贤县.XLS",
        "说明.txt",
        "乐平市.ods",
        ".hidden/x.xlsx",
    ]:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    files, problems = find_files([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "乐平市.ods",
        "南昌市/南昌县.xlsx",
        "进贤县.XLS",
    ]
    assert [(p.code, Path(p.file).name) for p in problems] == [("skipped-file", "说明.txt")]
    _, problems = find_files([tmp_path / "nowhere"])
    assert problems[0].code == "input-not-found"


def test_guess_county(scheme):
    t = make_targets(["360121", "360124"], scheme)
    assert guess_county("in/360124_2007年报.xlsx", t) == "360124"
    assert guess_county("in/360121县.xlsx", t) == "360121"
    assert guess_county("in/unknown.xlsx", t) is None
