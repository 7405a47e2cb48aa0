"""``nianbao build FILE...``: many reports in one go: Word, and beside it the web page and the PDF.

A district builds dozens of reports at a time. Every input is read and checked first; each one
that may be built gets its .docx (and its .html) at once; then one LibreOffice process converts
all the PDFs (starting LibreOffice costs more than converting a report). One input that fails
never stops the others: each outcome says what was made and, where something was not, why.

Two inputs of the same unit and year would make the same report: the second is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import (
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_UNUSABLE,
    BadArgument,
    NianbaoError,
    TemplateProblem,
    UnusableFile,
)
from ..fileio import atomic_write, make_folder
from ..previous import unit_key
from ..report import Report
from ..rules import CheckResult, check
from ..source import read_report


@dataclass
class Built:
    """What became of one input."""

    source: Path
    check: CheckResult | None = None
    docx: Path | None = None
    html: Path | None = None
    pdf: Path | None = None
    draft: bool = False  # built with --force although the data has errors
    backup: Path | None = None  # the edited report --force replaced, kept in nianbao备份
    refused: str = ""  # why no report was written for this input
    unusable: bool = False  # the input itself could not be read (rather than checked and refused)
    problems: list[str] = field(default_factory=list)  # outputs asked for that were not made
    error: NianbaoError | None = None  # the error behind ``refused``, when there was one (for --debug)

    @property
    def failed(self) -> bool:
        return bool(self.refused or self.problems or self.draft)


@dataclass
class BuildRun:
    """Every report of one ``build_reports`` call."""

    items: list[Built]

    @property
    def exit_code(self) -> int:
        """0 every report built; 2 no input could be read at all; 1 anything else went wrong
        (data errors, a draft, a refused duplicate, an output not made)."""
        if not any(b.failed for b in self.items):
            return EXIT_OK
        if all(b.unusable for b in self.items):
            return EXIT_UNUSABLE
        return EXIT_ERRORS


def _outputs(paths: list[Path], output: Path | str | None) -> Path | None:
    """The folder all reports go to (``-o`` with several inputs, or an existing folder), or
    None: each beside its data file, or the one input's named .docx."""
    if output is None:
        return None
    out = Path(output)
    if len(paths) > 1 or out.is_dir():
        if out.suffix.lower() == ".docx":
            raise BadArgument(f"有{len(paths)}个输入文件时，-o 应为文件夹（各报告按机关名称和年度命名），"
                               f"而不是一个 .docx 文件：{out}")
        return make_folder(out)
    if out.suffix.lower() != ".docx":  # said before any input is read and checked
        raise BadArgument(f"输出文件应以 .docx 结尾：{out.name}（要生成到一个文件夹中，请先建好该文件夹）", path=out)
    return None


def _identity(report: Report) -> tuple[str, object] | None:
    unit, year = report.values.get("meta.unit"), report.values.get("meta.year")
    return (unit_key(unit), year) if unit and year else None


def build_reports(paths: list[Path | str], output: Path | str | None = None, *, html: bool = False,
                  pdf: bool = False, template: Path | str | None = None, force: bool = False) -> BuildRun:
    """Read, check and build every input: the .docx always, the .html and .pdf beside it (same
    name) when asked. ``output``: the .docx for a single input, a folder for several.

    Raises UnusableFile only for a wrong ``output`` or ``template`` (said once, before any input
    is read: it would be every input's problem); everything about one input is in its ``Built``."""
    # python-docx and docxtpl load when a report is built, not with every command
    from ..word.build import default_output, write_report
    from ..word.render import prepare
    sources = [Path(p) for p in paths]
    folder = _outputs(sources, output)
    if template is not None:
        prepare(template)
    run = BuildRun([])
    first_of: dict[tuple[str, object], Path] = {}
    claimed: dict[Path, Path] = {}
    for source in sources:
        built = Built(source)
        run.items.append(built)
        try:
            report = read_report(source)
        except UnusableFile as exc:
            built.refused, built.unusable, built.error = str(exc), True, exc
            continue
        ident = _identity(report)
        if ident is not None and ident in first_of:
            v = report.values
            built.refused = (f"与 {first_of[ident]} 是同一机关（{v['meta.unit']}）同一年度（{v['meta.year']}），"
                             "一个机关每年只有一份报告：未生成。请检查是否放错了文件")
            continue
        if ident is not None:
            first_of[ident] = source
        built.check = check(report)
        built.draft = bool(built.check.not_final)
        if built.draft and not force:
            why = ("数据有错误" if built.check.errors
                   else f"{built.check.unread_said}（{built.check.verdict}）")
            built.refused = f"{why}，未生成报告：请改正后重试；如需先看草稿，加 --force（报告将标明“草稿”）"
            continue
        if folder is not None:
            target = folder / default_output(source, report.values, built.draft).name
        elif output is not None:
            target = Path(output)
        else:
            target = default_output(source, report.values, built.draft)
        key = target.resolve()
        if key in claimed:
            built.refused = f"输出文件 {target.name} 与 {claimed[key]} 的报告同名，未生成"
            continue
        claimed[key] = source
        try:
            built.backup = write_report(report, built.check, target, template=template, force=force).backup
        except TemplateProblem as exc:
            built.refused, built.unusable, built.error = str(exc), True, exc
            continue
        except UnusableFile as exc:
            built.refused, built.error = str(exc), exc
            continue
        built.docx = target
        if html:
            _write_page(built, report)
    if pdf:
        _write_pdfs([b for b in run.items if b.docx])
    return run


def _write_page(built: Built, report: Report) -> None:
    from ..web import render_page
    assert built.docx is not None  # pages are made beside a report written
    target = built.docx.with_suffix(".html")
    try:
        atomic_write(target, render_page(report, draft=built.check if built.draft else None).encode("utf-8"))
    except UnusableFile as exc:
        built.problems.append(f"未生成网页：{exc}")
        return
    built.html = target


def _write_pdfs(items: list[Built]) -> None:
    """All PDFs with one LibreOffice process."""
    from ..word.pdf import to_pdfs
    outcomes = to_pdfs([(b.docx, b.docx.with_suffix(".pdf")) for b in items if b.docx is not None])
    for built, outcome in zip(items, outcomes, strict=True):
        if outcome.problem:
            built.problems.append(f"未生成 PDF：{outcome.problem}")
        else:
            built.pdf = outcome.pdf
