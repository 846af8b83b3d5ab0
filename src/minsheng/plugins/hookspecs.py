"""The hooks a minsheng plugin can implement.

Every hook name starts with ``minsheng_``. A plugin implements a hook by defining a function of
the same name marked with :data:`minsheng.plugins.hookimpl`; it may accept fewer arguments than
the specification lists (pluggy passes only the ones it names), so hooks can grow new arguments
without breaking existing plugins. The host calls each plugin's implementation on its own and
turns an exception or an unusable return value into a ``plugin-error`` problem for that file,
so one broken plugin never stops a run.

The reference with an example for each hook is ``docs/plugins.md``; a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # pragma: no cover - typing only
    import click

    from ..model import Problem, Scheme, Submission
    from ..sheets import Workbook
    from .context import ReadContext

PROJECT = "minsheng"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def minsheng_claim(path: Path, book: Workbook) -> float | None:
    """Say whether ``path`` is a file this plugin reads, and how sure it is.

    :param path: the input file, as the user gave it.
    :param book: the file opened once by the host with :func:`minsheng.sheets.open_workbook`;
        look at ``book.sheet_names`` and a few header cells, do not read the whole file.
    :return: a confidence from 0 to 1 (1 = certainly ours); ``None`` or ``0`` = not ours.
        The file goes to the plugin with the highest confidence; two plugins equally sure make
        an ``ambiguous-plugin`` problem, none at all a ``no-plugin`` problem.
    """


@hookspec
def minsheng_read(path: Path, book: Workbook, context: ReadContext) -> Submission:
    """Read one county file that this plugin claimed into a :class:`minsheng.Submission`.

    Called only for the plugin that won the file. Values should carry provenance made with
    ``context.provenance(sheet, cell)``; the host fills in the file, plugin name and version
    wherever a value leaves them empty. Problems that are not fatal (a bad ID in a roster, an
    error cell) go to ``context.report(...)``; a fatal one may simply raise. A problem's code is
    one of the catalogue (:mod:`minsheng.problems`) or the plugin's own, written ``plugin-name:code``.

    :param path: the input file, as the user gave it.
    :param book: the same opened workbook the claim saw (or a fresh one in a worker process).
    :param context: the scheme, the year, this plugin's name and version, and helpers.
    :return: the county's submission.
    """


@hookspec
def minsheng_checks(submission: Submission, scheme: Scheme) -> list[Problem] | None:
    """Extra checks on a submission, after it was read (by any plugin).

    For rules of a province or a county that the core checks do not know (a part that must not
    exceed another indicator, a plausibility range). Every plugin's checks run on every
    submission.

    :param submission: a county's submission, its provenance already stamped.
    :param scheme: the scheme of the run.
    :return: a list of :class:`minsheng.Problem` (empty or ``None`` when all is well), each with
        a catalogue code or the plugin's own ``plugin-name:code``.
    """


@hookspec
def minsheng_register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``minsheng`` command line.

    :param cli: the click group of the ``minsheng`` command; add commands with
        ``@cli.command()``.
    """


@hookspec
def minsheng_write_sample(path: Path, submission: Submission, scheme: Scheme) -> Path | None:
    """Write a file in this plugin's own layout holding the submission's values, for demos,
    examples and tests (``minsheng demo`` writes the example province's counties with it).

    The file holds the actuals by indicator code in the scheme's units, the self scores
    (``self_scores``, ``self_total``) if the layout has 自评分, the reporter and the report date
    (``submitted_on``, else ``reporter.date``). A value with status missing is written blank (or
    its ``raw`` text), a not-applicable value as its ``raw`` text or ``"—"``. Reading the file
    back with this plugin's :func:`minsheng_read` should give the same values. Same arguments,
    same bytes. Called only through :meth:`PluginHost.write_sample`, by trusted generators: an
    exception reaches the caller as a :class:`minsheng.plugins.PluginError`.

    :param path: where to write; its folder exists. The plugin may change the suffix (``.xls``).
    :param submission: the county's submission to write.
    :param scheme: the scheme whose indicators and units the values are in.
    :return: the path written, or ``None`` if this plugin cannot write this submission.
    """


@hookspec
def minsheng_indicators(path: Path, book: Workbook, scheme: Scheme) -> Iterable[str] | None:
    """Say which indicators the layout this plugin read carries, for a county that sends
    several files (a summary table, a training roster, a loan ledger).

    Called for the plugin that read a file, right after :func:`minsheng_read`, with the same
    opened workbook. A county's files are merged: each indicator comes from the file whose plugin
    declares it; two files declaring the same indicator must agree (``conflicting-values``
    otherwise). An indicator code covers its calculator amounts (``"8.1"`` covers ``"8.1/paid"``).

    :param path: the input file, as the user gave it.
    :param book: the workbook the read saw.
    :param scheme: the scheme of the run.
    :return: the indicator codes this layout carries, or ``None`` (or not implementing the hook):
        a full report carrying every indicator of the scheme.
    """
