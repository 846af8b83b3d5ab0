"""Fuzz the sheet toolkit and the standard-form reader with mutated county files.

With atheris installed (``pip install atheris``) this is a coverage-guided libFuzzer target::

    python scripts/fuzz_reader.py -atheris_runs=1000000 [corpus_dir]

Without it, the same target runs on random mutations (byte flips inside the zip members, truncation,
flips of the raw bytes) of the valid forms in tests/corpus/province::

    python scripts/fuzz_reader.py --runs 20000 --seed 1

The target opens the bytes with :func:`minsheng.sheets.open_workbook` and reads them with the
standard-form reader; a ``SheetError`` is a documented outcome, anything else is a finding (the
input is saved to ``fuzz-crash-*.xlsx`` and the exception re-raised).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import zipfile
from pathlib import Path

from minsheng import load_scheme
from minsheng.plugins.context import ReadContext
from minsheng.plugins.standard_form import claim_form, read_form
from minsheng.sheets import SheetError, open_workbook

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "corpus" / "province").glob("36*.xlsx"))
SCHEME = load_scheme("jiangxi-2007")
_TMP = Path(tempfile.mkdtemp(prefix="minsheng-fuzz-"))


def target(data: bytes) -> None:
    """One input: only SheetError may come out."""
    path = _TMP / "input.xlsx"
    path.write_bytes(data)
    context = ReadContext(
        scheme=SCHEME, year=2007, plugin="standard-form", plugin_version="0", file=str(path)
    )
    try:
        with open_workbook(path) as book:
            if claim_form(book) is not None:
                read_form(path, book, context)
            for sheet in book:
                sheet.grid()
    except SheetError:
        pass
    except Exception:
        crash = Path.cwd() / f"fuzz-crash-{abs(hash(data)) % 10**8}.xlsx"
        crash.write_bytes(data)
        print(f"finding saved to {crash}", file=sys.stderr)
        raise


def mutate(data: bytes, rng: random.Random) -> bytes:
    how = rng.choice(("members", "members", "raw", "truncate"))
    if how == "truncate":
        return data[: rng.randrange(len(data))]
    if how == "raw":
        raw = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        infos = zin.infolist()
        chosen = rng.choice(infos).filename
        for info in infos:
            body = bytearray(zin.read(info.filename))
            if info.filename == chosen and body:
                for _ in range(rng.randint(1, 40)):
                    body[rng.randrange(len(body))] = rng.randrange(256)
            zout.writestr(info.filename, bytes(body))
    return out.getvalue()


def main() -> None:
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        atheris = None
    if atheris is not None and not any(a.startswith("--runs") for a in sys.argv):
        atheris.Setup(sys.argv, target)
        atheris.Fuzz()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    seeds = [p.read_bytes() for p in SEEDS]
    for i in range(args.runs):
        target(mutate(rng.choice(seeds), rng))
        if (i + 1) % 500 == 0:
            print(f"{i + 1} inputs, no finding", file=sys.stderr)
    print(f"{args.runs} inputs, no finding", file=sys.stderr)


if __name__ == "__main__":
    main()
