"""Regenerate the example province in examples/jiangxi-2007/ and its mid-year reports in
examples/jiangxi-2007-06/ (run from the repository root).

    python scripts/make_example.py

It is `minsheng demo` written into the repository: the targets workbook and the county files
(standard forms, and the three example plugins' layouts — install them first with
`pip install -r requirements-example.txt`). The output is deterministic; a test checks that the
committed files are what this script writes.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from minsheng import Period, load_scheme
from minsheng.demo import write_demo, write_interim_demo

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "jiangxi-2007"
INTERIM = EXAMPLE.with_name("jiangxi-2007-06")
PERIOD = Period(2007, 6)


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else EXAMPLE
    files = write_demo(target.with_name(target.name + ".new"), load_scheme("jiangxi-2007"))
    missing = sorted(
        code for code, plugin in files.province.layouts.items() if files.layouts.get(code) != plugin
    )
    if missing:
        raise SystemExit(
            f"the example plugins are not installed (counties {', '.join(missing)}): pip install -r requirements-example.txt"
        )
    if target.exists():
        shutil.rmtree(target)
    target.with_name(target.name + ".new").rename(target)
    print(f"wrote {target}")
    if not argv:
        interim = INTERIM.with_name(INTERIM.name + ".new")
        write_interim_demo(interim, load_scheme("jiangxi-2007"), PERIOD)
        if INTERIM.exists():
            shutil.rmtree(INTERIM)
        interim.rename(INTERIM)
        print(f"wrote {INTERIM}")


if __name__ == "__main__":
    main(sys.argv[1:])
