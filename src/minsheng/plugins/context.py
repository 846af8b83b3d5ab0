"""What a plugin gets to read a file with: the run's scheme and year, its own name and version,
a provenance maker and a place to report problems that are not fatal."""

from __future__ import annotations

from attrs import define, evolve, field

from ..model import Problem, Provenance, Scheme, Severity


@define
class ReadContext:
    """The context of one :func:`minsheng_read` call.

    ``file`` is the input path as the user gave it; it is what provenance and problems name.
    ``month`` is the last month of the period the run asks for (a 1—6月 progress report: 6); None
    for the year end. A plugin whose layout holds several months reads that month's cumulative
    figures and says which it read in :attr:`Submission.period`.
    """

    scheme: Scheme
    year: int
    plugin: str
    plugin_version: str
    file: str = ""
    problems: list[Problem] = field(factory=list)
    month: int | None = None

    def provenance(self, sheet: str | None = None, cell: str | None = None) -> Provenance:
        """Provenance for a value read from ``sheet`` at ``cell`` of this file, by this plugin."""
        return Provenance(
            file=self.file or None,
            sheet=sheet,
            cell=cell,
            plugin=self.plugin,
            plugin_version=self.plugin_version,
        )

    def report(self, *problems: Problem) -> None:
        """Report problems found while reading; they reach the run's report beside the submission.

        A problem that names no file or plugin gets this file and this plugin.
        """
        for p in problems:
            if not isinstance(p, Problem):
                raise TypeError(f"context.report() takes minsheng.Problem objects, not {type(p).__name__}")
            self.problems.append(evolve(p, file=p.file or self.file or None, plugin=p.plugin or self.plugin))

    def problem(
        self,
        code: str,
        message: str,
        *,
        sheet: str | None = None,
        cell: str | None = None,
        severity: Severity | None = None,
        county: str | None = None,
        indicator: str | None = None,
    ) -> Problem:
        """Report one problem at ``sheet``/``cell`` of this file and return it.

        ``code`` is a catalogue code (:mod:`minsheng.problems`) or this plugin's own, written
        ``插件名:代码``; ``severity`` is the catalogue's unless given.
        """
        p = Problem.at(
            code,
            message,
            self.provenance(sheet, cell),
            severity=severity,
            county=county,
            indicator=indicator,
        )
        self.problems.append(p)
        return p
