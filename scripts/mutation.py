"""Mutation testing of the scoring core: run mutmut 3, classify what survives, write the survivors.

    python scripts/mutation.py                 # mutmut run (2 children), then the report
    python scripts/mutation.py --report-only   # only the report, from the results in mutants/
    python scripts/mutation.py --fresh         # throw away mutants/ (cached results) first

Run by ``tox -e mutation``. What is mutated and which tests run is in pyproject.toml
([tool.mutmut]): src/minsheng/{scoring,scheme,checks,calculators,progress}.py with the fast
scoring tests. The report (printed, and written to build/mutation-survivors.txt with every
survivor's diff) sorts the mutants that no test kills into three classes:

- message-text: the mutant changes only the wording of a Chinese message (a string with CJK
  characters); a test that pinned wording would be a test of the implementation, not of a rule;
- equivalent: a behavioural-looking mutant that cannot change any result, listed with the reason
  in scripts/mutation-equivalents.txt (one ``mutant-name  reason`` a line);
- behavioural: all others. These are the ones a new test should kill (or, once shown to be
  equivalent, be listed with the reason).

``--fail-under P`` exits 1 when less than P % of the behavioural mutants are killed.
The names of mutants (``minsheng.scoring.x_rule_score__mutmut_12``) hold while the source does not
change; after a change of the source, re-check the equivalents file against the new diffs.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tokenize
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "scripts" / "mutation-equivalents.txt"
OUT = ROOT / "build" / "mutation-survivors.txt"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
DETECTED = {"killed", "timeout", "caught by type check", "segfault", "suspicious"}


def load_equivalents() -> dict[str, str]:
    out: dict[str, str] = {}
    if EQUIVALENTS.exists():
        for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                out[name] = reason.strip()
    return out


def _tokens(lines: list[str]) -> list[tuple[int, str]] | None:
    """The tokens of some changed lines (which may open or close a bracket without the other)."""
    text = "\n".join(line.strip() for line in lines) + "\n"
    out: list[tuple[int, str]] = []
    try:
        for t in tokenize.generate_tokens(io.StringIO(text).readline):
            if t.type not in (
                tokenize.NL,
                tokenize.NEWLINE,
                tokenize.INDENT,
                tokenize.DEDENT,
                tokenize.COMMENT,
            ):
                out.append((t.type, t.string))
    except tokenize.TokenError:  # an unclosed bracket at the end: what was read is enough
        pass
    except (IndentationError, SyntaxError):
        return None
    return [t for t in out if t[0] != tokenize.ENDMARKER]


def _is_text(tok: tuple[int, str]) -> bool:
    return tok[0] == tokenize.STRING and bool(CJK.search(tok[1]))


def _text_only(removed: list[tuple[int, str]], added: list[tuple[int, str]]) -> bool:
    """One change of a token run: Chinese text reworded, replaced by None, or dropped (with its
    ``raw=`` keyword and comma)."""
    if not any(_is_text(t) for t in removed):
        return False
    rest = [t for t in removed if not _is_text(t) and t[1] not in (",", "=")]
    keyword = len(rest) == 1 and rest[0][0] == tokenize.NAME and rest[0][1] in ("raw", "message")
    if rest and not keyword:
        return False
    if not added:  # dropped: only a keyword argument may go (a positional one shifts the others)
        return keyword
    return added == [(tokenize.NAME, "None")] or all(t[0] == tokenize.STRING for t in added)


def classify(diff: str) -> str:
    """``message-text`` when the diff only rewords, blanks or drops Chinese text (a problem's message,
    a value's ``raw`` text); ``behavioural`` otherwise."""
    removed = [ln[1:] for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    added = [ln[1:] for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    before, after = _tokens(removed), _tokens(added)
    if before is None or after is None:
        return "behavioural"
    ops = [op for op in SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes() if op[0] != "equal"]
    if ops and all(_text_only(before[i1:i2], after[j1:j2]) for _, i1, i2, j1, j2 in ops):
        return "message-text"
    return "behavioural"


def _differ(path: Path):
    """``diff(mutant_name)`` for the mutants of one file: the unmutated copy and the mutant, read
    by mutmut's line index (without parsing the big mutated file for every mutant)."""
    from difflib import unified_diff

    from mutmut.mutation.data import MutantLineSpans
    from mutmut.mutation.diff_apply import generated_function_names, get_diff_for_mutant

    spans = MutantLineSpans.load(path)
    lines = (Path("mutants") / path).read_text(encoding="utf-8").splitlines() if spans else []

    def diff(name: str) -> str:
        orig, mutant = generated_function_names(name)
        if spans is None or orig not in spans.span_by_function_name:
            return get_diff_for_mutant(name, path=path)
        texts = []
        for fn in (orig, mutant):
            span = spans.span_by_function_name[fn]
            texts.append([ln.replace(fn, "FUNCTION") for ln in lines[span.start - 1 : span.end]])
        return "\n".join(unified_diff(*texts, fromfile=str(path), tofile=str(path), lineterm=""))

    return diff


def run_mutmut(children: int) -> None:
    cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(children)]
    print("$", " ".join(cmd), flush=True)
    code = subprocess.call(cmd, cwd=ROOT)
    if code != 0:
        sys.exit(f"mutmut run failed with exit code {code}")


def report(fail_under: float | None) -> int:
    os.chdir(ROOT)
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    equivalents = load_equivalents()
    statuses: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    by_module: dict[str, Counter[str]] = {}
    survivors: list[tuple[str, str, str, str]] = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        diff_of = _differ(path)
        module = path.stem
        for name, code in sorted(data.exit_code_by_key.items()):
            status = status_by_exit_code[code]
            statuses[status] += 1
            counts = by_module.setdefault(module, Counter())
            counts["mutants"] += 1
            if status in DETECTED:
                counts["killed"] += 1
                continue
            diff = diff_of(name)
            cls = classify(diff)
            reason = ""
            if cls == "behavioural" and name in equivalents:
                cls, reason = "equivalent", equivalents[name]
            classes[cls] += 1
            counts[cls] += 1
            survivors.append((name, status, cls, diff if not reason else f"# equivalent: {reason}\n{diff}"))

    total = sum(statuses.values())
    if not total:
        print("no mutation results in mutants/: run `mutmut run` (or this script without --report-only)")
        return 1
    killed = sum(n for s, n in statuses.items() if s in DETECTED)
    behavioural = total - classes["message-text"] - classes["equivalent"]
    behavioural_killed = behavioural - classes["behavioural"]
    share = 100 * behavioural_killed / behavioural if behavioural else 100.0
    lines = [
        f"mutants: {total}",
        "by status: " + ", ".join(f"{s} {n}" for s, n in statuses.most_common()),
        f"killed (incl. timeouts): {killed} ({100 * killed / total:.1f}%)",
        f"not killed: {total - killed}: message-text {classes['message-text']}, "
        f"equivalent {classes['equivalent']}, behavioural {classes['behavioural']}",
        f"behavioural mutants (all but message-text and equivalent): {behavioural}, "
        f"killed {behavioural_killed} ({share:.1f}%)",
        "by module (mutants / killed / message-text / equivalent / behavioural survivors):",
    ]
    for module, c in sorted(by_module.items()):
        lines.append(
            f"  {module:12} {c['mutants']:5} {c['killed']:5} {c['message-text']:5} "
            f"{c['equivalent']:5} {c['behavioural']:5}"
        )
    summary = "\n".join(lines)
    print(summary)
    OUT.parent.mkdir(exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        f.write(summary + "\n\n")
        for cls in ("behavioural", "equivalent", "message-text"):
            chosen = [s for s in survivors if s[2] == cls]
            f.write(f"==== {cls}: {len(chosen)}\n\n")
            for name, status, _, diff in chosen:
                f.write(f"## {name} ({status})\n{diff}\n\n")
    print(f"survivors written to {OUT.relative_to(ROOT)}")
    if fail_under is not None and share < fail_under:
        print(f"behavioural kill rate {share:.1f}% is under {fail_under}%")
        return 1
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report-only", action="store_true", help="only classify the results in mutants/")
    ap.add_argument("--fresh", action="store_true", help="remove mutants/ (and its cached results) first")
    ap.add_argument("--max-children", type=int, default=2, help="parallel mutmut workers (default 2)")
    ap.add_argument("--fail-under", type=float, default=None, help="minimum behavioural kill rate, in %%")
    args = ap.parse_args()
    if args.fresh:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    if not args.report_only:
        run_mutmut(args.max_children)
    return report(args.fail_under)


if __name__ == "__main__":
    sys.exit(main())
