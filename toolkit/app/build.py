"""The Word report of one file (``build_report``) or beside a checked workbook (``build_beside``).

``word/`` knows how to render and where a report goes (``render_report``, ``default_output``,
``guard_output``); the workflows here read, check, decide and write. Many files at once, with web
pages and one LibreOffice for all PDFs (``nianbao build FILE...``): ``publish.build_reports``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ChecksFailed, UnusableFile
from ..fileio import atomic_write
from ..rules import CheckResult, check
from ..source import read_report


@dataclass
class BuildResult:
    """The Word report of one file (and its PDF, when asked for), with the check it was built from."""

    docx: Path
    check: CheckResult
    draft: bool  # built with --force although the data has errors
    pdf: Path | None = None
    pdf_problem: str = ""  # why the PDF asked for was not made (the .docx was)
    backup: Path | None = None  # the edited report --force replaced, kept in nianbao备份


def make_pdf(docx: Path) -> tuple[Path | None, str]:
    """(the PDF beside ``docx``, or None and why not)."""
    from ..word.pdf import to_pdf
    try:
        return to_pdf(docx), ""
    except UnusableFile as exc:
        return None, str(exc)


def build_report(path: Path | str, out: Path | str | None = None, *, pdf: bool = False,
                 template: Path | str | None = None, force: bool = False) -> BuildResult:
    """Read, check and build the Word report of a workbook or JSON data file.

    Raises ChecksFailed (nothing written) when the data has errors and ``force`` is false;
    an UnusableFile when the data, the template or the output cannot be used."""
    from ..word.build import default_output, write_report
    from ..word.render import prepare
    if template is not None:
        prepare(template)  # a template problem is the template's, said before any data is read
    source = Path(path)
    report = read_report(source)
    result = check(report)
    draft = bool(result.not_final)
    if draft and not force:
        raise ChecksFailed(result)
    target = Path(out) if out else default_output(source, report.values, draft)
    written = write_report(report, result, target, template=template, force=force)
    built = BuildResult(written.docx, result, draft, backup=written.backup)
    if pdf:
        built.pdf, built.pdf_problem = make_pdf(target)
    return built


def report_path(result: CheckResult, source: Path | str) -> Path:
    """The Word report's file: beside the workbook, named as ``nianbao build`` names it
    (``{机关}{年度}年政府信息公开工作年度报告.docx``). A workbook whose folder cannot be seen (opened
    from a web address) gets it in the home folder."""
    from ..word.build import default_output
    source = Path(source)
    # A relative path (`nianbao gui 样例.xlsx`) is in the current folder; only a source whose folder
    # is not there (a web address) sends the report home.
    source = source.absolute() if source.parent.is_dir() else Path.home() / source.name
    return default_output(source, result.report.values, draft=False)


def build_beside(result: CheckResult, source: Path | str) -> Path:
    """Build the Word report of a checked report beside ``source`` as ``nianbao build`` would
    (its naming, its refusal to overwrite an open or edited report, its renderer), without
    reading the data again. Raises an UnusableFile when it cannot be written."""
    from ..word.build import guard_output, render_report
    out = report_path(result, source)
    guard_output(out, force=False)
    atomic_write(out, render_report(result.report, None, result))
    return out


__all__ = ["BuildResult", "build_beside", "build_report", "make_pdf", "report_path"]
