"""Roster files as real office suites write them, one county each, for the whole-process figures.

For each size of issue 15 (a 100,000-row .xlsx roster, a 60,000-row .xls roster), in the roster
plugin's layout (汇总表, 培训花名册, 小额贷款台帐, a trainee entered twice and an ID with a wrong check
character), each in a folder of its own so that ``minsheng assess <folder>`` reads one county:

- ``excel-xlsx``: written as Excel and WPS write (:func:`province._write_xlsx`: shared strings, a
  dimension, styles, a merged title row);
- ``lo-xlsx``: that file opened and saved again by LibreOffice (``soffice --headless --convert-to xlsx``);
- ``inline-xlsx``: the same rows in openpyxl's write-only form (inline strings, no dimension), the form
  the bench wrote before; not how a county's file is made, kept as one labelled row;
- ``excel-xls``: written as Excel 97-2003 writes (xlwt: a shared string table, styles, a merged title);
- ``lo-xls``: that file saved again by LibreOffice (``--convert-to xls``).

Plus ``empty``: a folder holding no county file but a text file, for the fixed cost of an assess.
The files are cached in ``build/bench/real-<VERSION>-<rows>/``; LibreOffice's copies in
``build/bench/lo/<sha256 of the source>/``, so that a rerun converts nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from province import _rows, _summary_lines, default_cache, rebased

VERSION = "1"
FULL = {"xlsx": (95_000, 5_000), "xls": (56_000, 4_000)}  # training rows, loan rows
QUICK = {"xlsx": (19_000, 1_000), "xls": (11_000, 1_000)}
LABELS = {
    "excel-xlsx": "as Excel/WPS write it (shared strings, dimension, styles, merged title)",
    "lo-xlsx": "the same saved again by LibreOffice",
    "inline-xlsx": "openpyxl write-only (inline strings, no dimension; not a real writer's form)",
    "excel-xls": "as Excel 97-2003 writes it (xlwt: shared string table, styles, merged title)",
    "lo-xls": "the same saved again by LibreOffice",
}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def libreoffice_copy(src: Path, fmt: str, cache: Path, log=print) -> Path:
    """``src`` opened and saved as ``fmt`` by LibreOffice headless, cached by the source's content."""
    out_dir = cache / "lo" / f"{sha256(src)[:24]}-{fmt}"
    out = out_dir / (src.stem + "." + fmt)
    if out.is_file():
        return out
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    log(f"  LibreOffice: {src.name} -> {fmt} (once; cached) ...")
    with tempfile.TemporaryDirectory(prefix="minsheng-lo-") as tmp:
        profile = Path(tmp) / "profile"
        conv = Path(tmp) / "out"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(conv),
                str(src),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=1800,
        )
        made = conv / (src.stem + "." + fmt)
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), str(out))
    return out


def make_real(cache: Path | None = None, *, quick: bool = False, log=print) -> dict:
    """Write (or reuse) the files; return the manifest: targets, year, and per label its folder,
    file and rows."""
    from province import WRITERS

    from minsheng.example import example_province
    from minsheng.regions import load_regions
    from minsheng.scheme import load_scheme
    from minsheng.workbooks import write_targets_template

    cache = cache or default_cache()
    sizes = QUICK if quick else FULL
    root = cache / f"real-{VERSION}-{sum(sizes['xlsx'])}"
    manifest_path = root / "manifest.json"
    if manifest_path.is_file():
        return rebased(json.loads(manifest_path.read_text("utf-8")), root)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    scheme = load_scheme("jiangxi-2007")
    province = example_province(scheme, load_regions())
    targets = province.targets
    targets_path = root / "目标任务表.xlsx"
    write_targets_template(scheme, targets_path, targets=targets, findings=province.findings)
    subs = sorted(province.submissions, key=lambda s: s.county)
    by_code = {c.code: c for c in targets.counties}
    picks = {"xlsx": subs[10], "xls": subs[40]}
    files: dict[str, dict] = {}
    sources: dict[str, Path] = {}
    for kind, sub in picks.items():
        county = by_code[sub.county]
        n_train, n_loans = sizes[kind]
        train, loans, _c, _t = _rows(county.code, targets.year, n_train, n_loans)
        summary = _summary_lines(county.name, sub, scheme, targets.year)
        footer = f"填表人：{sub.reporter.person or ''}"
        name = f"{county.code}-{county.name}-{targets.year}年花名册.{kind}"
        writers = (("excel-" + kind, kind),) + ((("inline-xlsx", "xlsx-inline"),) if kind == "xlsx" else ())
        for label, writer in writers:
            folder = root / label / county.city_name
            folder.mkdir(parents=True)
            log(f"  writing {label}: {name}, {n_train + n_loans:,} rows ...")
            WRITERS[writer](folder / name, summary, train, loans, county.name, footer)
            files[label] = {
                "folder": str(root / label),
                "path": str(folder / name),
                "rows": n_train + n_loans,
            }
        sources[kind] = Path(files["excel-" + kind]["path"])
        lo = libreoffice_copy(sources[kind], kind, cache, log=log)
        folder = root / f"lo-{kind}" / county.city_name
        folder.mkdir(parents=True)
        shutil.copyfile(lo, folder / name)
        files[f"lo-{kind}"] = {
            "folder": str(root / f"lo-{kind}"),
            "path": str(folder / name),
            "rows": n_train + n_loans,
        }
    empty = root / "empty"
    empty.mkdir()
    (empty / "说明.txt").write_text("没有报表文件。\n", "utf-8")
    manifest = {
        "version": VERSION,
        "root": str(root),
        "targets": str(targets_path),
        "year": targets.year,
        "empty": str(empty),
        "files": {k: files[k] for k in LABELS},
    }
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return manifest


if __name__ == "__main__":
    import sys

    m = make_real(quick="--quick" in sys.argv)
    for label, f in m["files"].items():
        print(f"{label}: {f['path']} ({f['rows']:,} rows, {os.path.getsize(f['path']):,} bytes)")
