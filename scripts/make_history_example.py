"""Regenerate last year's result beside the example province (run from the repository root).

    python scripts/make_history_example.py

The 2006 result that ``minsheng assess --history`` compares the 2007 example with (同比) is made
the way an office makes its own: the example generator writes a province of the same kind for
2006 (seed 2006, the same stories, every date a year earlier) into a temporary folder, and
``minsheng.assess`` scores it with the built-in scheme, deadline 2007-01-10, assessed on
2007-01-31; its ``--json`` is committed as examples/历年结果/2006年度考核结果.json. Install the
example plugins first (`pip install -r requirements-example.txt`). The output is deterministic; a
test checks that the committed file is what this script writes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from minsheng.files import atomic_write_text

HISTORY = Path(__file__).resolve().parent.parent / "examples" / "历年结果"
YEAR = 2006
NAME = f"{YEAR}年度考核结果.json"


def last_year_json() -> str:
    """The 2006 result as ``minsheng assess --json`` writes it."""
    from minsheng import assess, load_scheme, run_to_json
    from minsheng.demo import write_demo

    scheme = load_scheme("jiangxi-2007")
    with tempfile.TemporaryDirectory() as tmp:
        files = write_demo(Path(tmp) / "jiangxi-2006", scheme, seed=YEAR, year=YEAR)
        province = files.province
        run = assess(
            files.submissions,
            files.targets,
            scheme=scheme,
            deadline=province.deadline,
            assessed_on=province.assessed_on,
        )
    return run_to_json(run)


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else HISTORY
    target.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target / NAME, last_year_json())
    print(f"wrote {target / NAME}")


if __name__ == "__main__":
    main(sys.argv[1:])
