"""Mutation testing of the scoring core: run mutmut 3, classify what survives, write the survivors.

    python scripts/mutation.py                 # mutmut run (2 children), then the report
    python scripts/mutation.py --report-only   # only the report, from the results in mutants/
    python scripts/mutation.py --fresh         # throw away mutants/ (cached results) first

Run by ``tox -e mutation``. What is mutated and which tests run is in pyproject.toml
([tool.mutmut]): src/minsheng/{scoring,scheme,checks,calculators,progress}.py with the fast
scoring tests. The report (printed, and written to build/mutation-survivors.txt with every
survivor's diff) sorts every mutant into a class, by its diff and by
scripts/mutation-equivalents.txt (one ``mutant-name  reason`` a line):

- message-text: the mutant only rewords, blanks (None) or drops the Chinese text of a problem's
  message or a value's ``raw`` text; a test that pinned wording would test the implementation;
- equivalent: listed with the reason why no input can tell it from the source;
- import-time: listed with a reason starting "import-time:": code run only while the module is
  imported (building ``CALCULATORS``), before mutmut switches a mutant on, so no test can kill it
  under mutmut; the reason names the test that pins its result; left out of the kill rate;
- unpinned: listed with a reason starting "unpinned:": behaviour deliberately not asserted (it is
  being changed elsewhere); counted as a behavioural survivor;
- behavioural: all others. A surviving one is unexplained: kill it with a test of the rule, or list it.

The kill rate is over the behavioural mutants (all but message-text, equivalent and import-time,
killed or not).
``--fail-under P`` exits 1 when it is under P %.
The names of mutants (``minsheng.scoring.rules.x_rule_score__mutmut_12``) hold while the source does not
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

    listed = load_equivalents()
    statuses: Counter[str] = Counter()
    # (module, class, killed?) → count; classes: message-text, equivalent, unpinned, behavioural
    counts: Counter[tuple[str, str, bool]] = Counter()
    survivors: list[tuple[str, str, str, str]] = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        diff_of = _differ(path)
        for name, code in sorted(data.exit_code_by_key.items()):
            status = status_by_exit_code[code]
            statuses[status] += 1
            diff = diff_of(name)
            cls, reason = classify(diff), listed.get(name, "")
            if cls == "behavioural" and reason:
                kind = reason.split(":", 1)[0]
                cls = kind if kind in ("unpinned", "import-time") else "equivalent"
            killed = status in DETECTED
            counts[(path.stem, cls, killed)] += 1
            if not killed:
                survivors.append((name, status, cls, f"# {reason}\n{diff}" if reason else diff))

    total = sum(statuses.values())
    if not total:
        print("no mutation results in mutants/: run `mutmut run` (or this script without --report-only)")
        return 1

    def n(cls: str | None = None, killed: bool | None = None, module: str | None = None) -> int:
        return sum(
            v
            for (m, c, k), v in counts.items()
            if (cls is None or c == cls)
            and (killed is None or k == killed)
            and (module is None or m == module)
        )

    killed = n(killed=True)
    # behavioural: every mutant but the message-text and the equivalent ones, killed or not
    behavioural = total - n("message-text") - n("equivalent") - n("import-time")
    behavioural_killed = killed - n("message-text", True) - n("equivalent", True) - n("import-time", True)
    share = 100 * behavioural_killed / behavioural if behavioural else 100.0
    lines = [
        f"mutants: {total}",
        "by status: " + ", ".join(f"{s} {c}" for s, c in statuses.most_common()),
        f"killed (incl. timeouts): {killed} ({100 * killed / total:.1f}%); not killed: {total - killed}",
        f"message-text mutants: {n('message-text')} (killed {n('message-text', True)}, "
        f"survived {n('message-text', False)})",
        f"equivalent mutants (listed with the reason): {n('equivalent')}",
        f"import-time mutants (mutmut cannot switch them on; listed): {n('import-time')}",
        f"behavioural mutants: {behavioural}, killed {behavioural_killed} ({share:.1f}%); surviving: "
        f"{n('unpinned', False)} deliberately unpinned (listed), {n('behavioural', False)} unexplained",
        "by module: mutants, killed; survivors: message-text, equivalent, import-time, unpinned, unexplained",
    ]
    for module in sorted({m for m, _, _ in counts}):
        lines.append(
            f"  {module:12} {n(module=module):5} {n(killed=True, module=module):5}   "
            + " ".join(
                f"{n(c, False, module):5}"
                for c in ("message-text", "equivalent", "import-time", "unpinned", "behavioural")
            )
        )
    summary = "\n".join(lines)
    print(summary)
    OUT.parent.mkdir(exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        f.write(summary + "\n\n")
        for cls in ("behavioural", "unpinned", "import-time", "equivalent", "message-text"):
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
