"""Write docs/problems.md (问题代码一览) from the catalogue in src/minsheng/problems.py.

Run from the repository root after changing the catalogue::

    python scripts/make_problems_doc.py              # writes docs/problems.md
    python scripts/make_problems_doc.py --out FILE   # writes FILE (the tests compare it)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from minsheng.problems import markdown

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "problems.md")
    args = parser.parse_args()
    args.out.write_text(markdown(), encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
